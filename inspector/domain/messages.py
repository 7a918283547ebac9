"""pydantic v2 models of the six Segment calls.

Unknown fields are kept (``extra="allow"``) and values are never coerced, so a message
validated and dumped again is the message that arrived. The ingest path does not run these
models (orjson dicts are 2-3x cheaper, see limits.md); the API, import and tools do.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class Library(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    name: str | None = None
    version: str | None = None


class Context(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    library: Library | None = None
    ip: str | None = None
    locale: str | None = None
    userAgent: str | None = None
    timezone: str | None = None
    groupId: str | None = None
    traits: dict[str, Any] | None = None
    app: dict[str, Any] | None = None
    device: dict[str, Any] | None = None
    os: dict[str, Any] | None = None
    page: dict[str, Any] | None = None
    campaign: dict[str, Any] | None = None


class Common(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)
    userId: str | None = None
    anonymousId: str | None = None
    messageId: str | None = None
    timestamp: str | None = None
    originalTimestamp: str | None = None
    sentAt: str | None = None
    context: Context | None = None
    integrations: dict[str, Any] | None = None

    def dump(self) -> dict[str, Any]:
        """Back to the wire form: only the fields that arrived, unknown ones included."""
        return self.model_dump(mode="python", exclude_unset=True, by_alias=True)


class Identify(Common):
    type: Literal["identify"]
    traits: dict[str, Any] | None = None


class Track(Common):
    type: Literal["track"]
    event: str | None = None
    properties: dict[str, Any] | None = None


class Page(Common):
    type: Literal["page"]
    name: str | None = None
    category: str | None = None
    properties: dict[str, Any] | None = None


class Screen(Common):
    type: Literal["screen"]
    name: str | None = None
    category: str | None = None
    properties: dict[str, Any] | None = None


class Group(Common):
    type: Literal["group"]
    groupId: str | None = None
    traits: dict[str, Any] | None = None


class Alias(Common):
    type: Literal["alias"]
    previousId: str | None = None


Message = Annotated[Identify | Track | Page | Screen | Group | Alias, Field(discriminator="type")]
MESSAGE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Message)


def validate(data: dict[str, Any]) -> Common:
    """Validate one message; raises ``pydantic.ValidationError`` with the failing paths."""
    result: Common = MESSAGE_ADAPTER.validate_python(data)
    return result
