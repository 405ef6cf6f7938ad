"""The Command API's small answers built straight from their parsed elements (pure).

Each function takes the root element :func:`~bomgar_async._xml.core.parse_element` returns
(the ``<error>`` checks, the depth limit and the refusals already done) and builds the same
models — equal field for field — that the models' ``from_node`` build from the node
:func:`~bomgar_async._xml.core.parse_document` would make of it, without making the node:
children are read by local name, the first of each name where ``from_node`` reads one
(:func:`~.fields.from_kids`), attributes as the node holds them (:func:`~.fields.node_attr`).
``get_api_info`` and ``check_health`` are the calls monitoring makes over and over.
"""

from __future__ import annotations

from types import MappingProxyType

from .._xml.tree import (
    LOCAL_NAMES,
    Element,
    children_named,
    element_text,
    first_children,
    is_blank_element,
    is_mapping_element,
    local,
    own_text,
)
from .._xml.values import to_bool, to_int
from ..errors import BomgarProtocolError
from .appliance import _IP_SEPARATORS, ApiInfo, Appliance, ApplianceHealth
from .fields import datetime_element, from_kids, node_attr
from .models import (
    CustomAttribute,
    Issue,
    Representative,
    SessionAttributes,
    SessionKey,
    SupportTeam,
    TeamMember,
)

__all__ = [
    "api_info_of",
    "appliances_of",
    "health_of",
    "representatives_of",
    "session_attributes_of",
    "session_key_of",
    "success_of",
    "support_teams_of",
]


def _required_id(element: Element, kind: str) -> str:
    """As ``_xml.common.required_id`` reads the element's node."""
    value = node_attr(element, "id")
    if value is None or not value.strip():
        raise BomgarProtocolError(f"<{kind}> has no id attribute")
    return value.strip()


def _required_int_id(element: Element, kind: str) -> int:
    """As ``_xml.common.required_int_id`` reads the element's node."""
    value = to_int(_required_id(element, kind))
    if value is None:
        raise BomgarProtocolError(f"<{kind}> has a non-numeric id")
    return value


def _stripped(element: Element | None) -> str:
    """``(text(node) or "").strip()`` of the element's node (``element_text`` strips)."""
    return element_text(element) or ""


def _first_mapping(root: Element, name: str) -> Element:
    """The first child ``name`` of ``root`` when its node is a mapping, else ``root`` (the
    answers that wrap their content in a second element of the same name, or not)."""
    nested = next(children_named(root, name), None)
    return nested if is_mapping_element(nested) else root


def representatives_of(root: Element) -> list[Representative]:
    """``<logged_in_reps>``: its ``<rep>`` children."""
    return [
        from_kids(Representative, first_children(rep), id=_required_int_id(rep, "rep"))
        for rep in children_named(root, "rep")
    ]


def _team(element: Element) -> SupportTeam:
    kids = first_children(element)
    team_id = _required_int_id(element, "support_team")  # checked before its issues
    embassy = to_bool(element_text(kids.get("embassy"))) is True
    issues = tuple(
        from_kids(Issue, first_children(issue), id=_required_int_id(issue, "issue"))
        for issue in children_named(kids.get("issues"), "issue")
        if not is_blank_element(issue)
    )
    members = tuple(
        from_kids(TeamMember, first_children(m), id=_required_int_id(m, "representative"))
        for m in children_named(kids.get("members"), "representative")
        if not is_blank_element(m)
    )
    return from_kids(
        SupportTeam,
        kids,
        id=team_id,
        embassy=embassy,
        issues=issues,
        members=members,
        members_included="members" in kids,
    )


def support_teams_of(root: Element) -> list[SupportTeam]:
    """``<support_teams>``: its ``<support_team>`` children."""
    return [_team(team) for team in children_named(root, "support_team")]


def session_key_of(root: Element) -> SessionKey:
    """``<session_key>``, or the guide's ``<generate_session_key>`` holding one."""
    holder = _first_mapping(root, "session_key")
    kids = first_children(holder)
    available = to_bool(node_attr(kids.get("queue"), "available"))
    return from_kids(SessionKey, kids, queue_available=available)


def success_of(root_name: str, root: Element, action: str) -> str:
    """A ``<success>`` root, or a root holding a ``<success>`` child: its text."""
    if root_name == "success":
        return _stripped(root)
    found = next(children_named(root, "success"), None)
    if found is not None:
        return _stripped(found)
    raise BomgarProtocolError(f"{action}: expected <success>, got <{root_name}>")


def _custom_attribute(element: Element) -> CustomAttribute:
    kids = first_children(element)
    code_name = node_attr(element, "code_name") or element_text(kids.get("code_name"))
    if not code_name:
        raise BomgarProtocolError("<custom_attribute> has no code_name")
    value = kids.get("value")
    raw = element_text(value if value is not None else element)
    return CustomAttribute(
        code_name=code_name,
        display_name=node_attr(element, "display_name") or element_text(kids.get("display_name")),
        value=(raw or "").strip() or None,
    )


def session_attributes_of(root: Element) -> SessionAttributes:
    """``<custom_attributes>`` (or ``<get_session_attributes>`` holding one)."""
    holder = _first_mapping(root, "custom_attributes")
    items = children_named(holder, "custom_attribute")
    return SessionAttributes(attributes=tuple(_custom_attribute(item) for item in items))


def appliances_of(root: Element) -> list[Appliance]:
    """``<appliances>``: its ``<appliance>`` children."""
    return [
        from_kids(Appliance, first_children(item), id=_required_id(item, "appliance"))
        for item in children_named(root, "appliance")
    ]


def health_of(root: Element) -> ApplianceHealth:
    """``<health_check>`` (or ``<check_health>``)."""
    kids = first_children(root)
    appliance = kids.get("appliance")
    holder = kids.get("enabled_shared_ips")
    ips = [_stripped(ip) for ip in children_named(holder, "ip")]
    if not ips:  # tolerate a plain "10.0.0.1, 10.0.0.2" list
        ips = _IP_SEPARATORS.split(element_text(holder) or "")
    return from_kids(
        ApplianceHealth,
        kids,
        appliance_id=node_attr(appliance, "id"),
        hostname=element_text(appliance),
        enabled_shared_ips=tuple(ip for ip in ips if ip),
    )


def _only_permissions(holder: Element | None) -> list[Element] | None:
    """The children of ``<permissions>`` when every one is a ``<permission>``, found by
    lxml's C matcher (no tag strings built), else ``None`` (read them one by one)."""
    find = getattr(holder, "iterchildren", None)
    if holder is None or find is None:
        return None
    grants: list[Element] = list(find("{*}permission"))
    return grants if len(grants) == len(holder) else None


def api_info_of(root: Element) -> ApiInfo:
    """``<api_information>`` (or ``<get_api_info>``): the permissions as
    ``ApiInfo.from_node`` reads them — ``<permission name="...">`` elements inside
    ``<permissions>``, then directly under the root, then the other children of
    ``<permissions>`` (``<perm_x>v</perm_x>``) where no such element named them. Written
    out (no :func:`~.fields.from_kids`): every monitoring poll makes this call."""
    names = LOCAL_NAMES
    kids: dict[str, Element] = {}
    root_grants: list[Element] = []
    for kid in root:
        tag = kid.tag
        name = names.get(tag) or local(tag)
        if name == "permission":
            root_grants.append(kid)
        elif name not in kids:
            kids[name] = kid
    found: dict[str, str] = {}
    others: dict[str, Element] = {}
    holder = kids.get("permissions")
    grants = _only_permissions(holder)
    if grants is not None:
        for kid in grants:
            attributes = kid.items()
            if len(attributes) == 1 and attributes[0][0] == "name":
                granted = attributes[0][1]  # the usual <permission name="...">, read inline
            else:
                granted = node_attr(kid, "name")
            if granted:
                text = kid.text  # element_text(kid) or "", inline
                found[granted] = (own_text(kid) if len(kid) else text and text.strip()) or ""
    elif holder is not None:
        for kid in holder:
            tag = kid.tag
            name = names.get(tag) or local(tag)
            if name == "permission":
                granted = node_attr(kid, "name")
                if granted:
                    found[granted] = element_text(kid) or ""
            elif name not in others:
                others[name] = kid
    for kid in root_grants:
        granted = node_attr(kid, "name")
        if granted:
            found[granted] = element_text(kid) or ""
    for name, kid in others.items():
        if name not in found:
            found[name] = element_text(kid) or ""
    return ApiInfo(
        api_version=element_text(kids.get("api_version")),
        timestamp=datetime_element(kids.get("timestamp")),
        permissions=MappingProxyType(found),
        user_id=to_int(element_text(kids.get("user_id"))),
        company_name=element_text(kids.get("company_name")),
    )
