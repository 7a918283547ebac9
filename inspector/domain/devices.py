"""The device an event came from, as the mobile SDKs describe it in ``context``.

analytics-swift/kotlin, React Native, Flutter and Customer.io's SDKs fill ``context.device``
(``id``, ``manufacturer``, ``model``, ``name``, ``type``) and ``context.os`` (``name``,
``version``); RudderStack's mobile SDKs do too (tests/fixtures/mobile). Browsers and server
libraries send neither, so their events have no device. ``device:`` in the query language
looks at the same fields (``inspector.domain.query.ast.DEVICE_PATHS``), strings only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SHORT_ID = 8  # characters of a long device id (a UUID, a 32-digit hex id) shown in a label
LONG_ID = 16


def _text(d: Any, key: str) -> str | None:
    v = d.get(key) if d.__class__ is dict else None
    if v.__class__ is str:  # strings only, as device: matches
        v = v.strip()
        return v or None
    return None


def _hardware(
    maker: str | None, model: str | None, name: str | None, kind: str | None
) -> str | None:
    if maker and model:
        return model if model.lower().startswith(maker.lower()) else f"{maker} {model}"
    return model or name or maker or kind


def _short(i: str | None) -> str | None:
    return i if i is None or len(i) <= LONG_ID else i[:SHORT_ID] + "…"


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Device:
    id: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    name: str | None = None
    type: str | None = None
    os_name: str | None = None
    os_version: str | None = None

    @property
    def hardware(self) -> str | None:
        """``Apple iPhone15,2``; the model alone when it already names its maker."""
        return _hardware(self.manufacturer, self.model, self.name, self.type)

    @property
    def os(self) -> str | None:
        return " ".join(x for x in (self.os_name, self.os_version) if x) or None

    @property
    def short_id(self) -> str | None:
        return _short(self.id)

    @property
    def label(self) -> str:
        """One line a person recognises: ``Apple iPhone15,2 · iOS 17.2 · 3F2504E0…``."""
        return _join(self.hardware, self.os, self.short_id)

    @property
    def filter_value(self) -> str:
        """What ``device:`` matches this device by: its id, else its model, else its OS."""
        return self.id or self.model or self.name or self.os_name or self.label


def _context(message: Mapping[str, Any]) -> tuple[Any, Any] | None:
    ctx = message.get("context")
    if ctx.__class__ is not dict:
        return None
    dev, os_ = ctx.get("device"), ctx.get("os")
    if dev.__class__ is not dict and os_.__class__ is not dict:
        return None
    return dev, os_


def device_of(message: Mapping[str, Any]) -> Device | None:
    """The device in ``message["context"]``, or None when it names none."""
    found = _context(message)
    if found is None:
        return None
    dev, os_ = found
    d = Device(
        _text(dev, "id"),
        _text(dev, "manufacturer"),
        _text(dev, "model"),
        _text(dev, "name"),
        _text(dev, "type"),
        _text(os_, "name"),
        _text(os_, "version"),
    )
    return d if d.label else None


def device_label(message: Mapping[str, Any]) -> str | None:
    """``device_of(message).label`` without building the object (the identity graph's path)."""
    found = _context(message)
    if found is None:
        return None
    dev, os_ = found
    os_name, os_version = _text(os_, "name"), _text(os_, "version")
    label = _join(
        _hardware(
            _text(dev, "manufacturer"), _text(dev, "model"), _text(dev, "name"), _text(dev, "type")
        ),
        f"{os_name} {os_version}" if os_name and os_version else (os_name or os_version),
        _short(_text(dev, "id")),
    )
    return label or None


def annotate_devices(timeline: dict[str, Any], device_by_event: Mapping[int, str | None]) -> None:
    """Say on each mark of a person's timeline (``identity.views.timeline``) which device its
    event came from (``mark["device"]``, when known), and list the person's devices in the
    order they first appear (``timeline["devices"]``)."""
    marks = sorted(
        (m for lane in timeline.get("lanes", []) for m in lane.get("marks", [])),
        key=lambda m: m["seq"],
    )
    seen: dict[str, None] = {}
    for m in marks:
        label = device_by_event.get(m["eventId"])
        if label:
            m["device"] = label
            seen.setdefault(label)
        else:
            m.pop("device", None)
    timeline["devices"] = list(seen)
