import pydantic
import pytest

from inspector.domain.messages import Alias, Identify, Track, validate


def test_unknown_fields_kept_and_values_round_trip():
    m = {
        "type": "track",
        "event": "Zoë",
        "properties": {"n": 2**80, "x": {"y": None}},
        "context": {"library": {"name": "l", "version": "1"}, "custom": [1, None]},
        "_metadata": {"bundled": []},
    }
    v = validate(m)
    assert isinstance(v, Track)
    assert v.dump() == m


def test_each_type_selected_by_discriminator():
    assert isinstance(validate({"type": "identify", "traits": {}}), Identify)
    assert isinstance(validate({"type": "alias", "previousId": "a", "userId": "b"}), Alias)


def test_wrong_types_are_reported_with_paths():
    with pytest.raises(pydantic.ValidationError) as e:
        validate({"type": "track", "event": 5})
    assert "event" in str(e.value)
