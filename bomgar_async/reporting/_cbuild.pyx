# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Session-report models built from lxml's C tree (the optional compiled part).

The same models, field for field, as :mod:`bomgar_async.reporting.build` builds from an
lxml ``<session>`` element, reading the element's C nodes directly instead of creating
one Python element object per node and reading its ``tag`` string. Every read mirrors the
lxml property the pure-Python builders use (``.text`` and ``.tail`` gather adjacent text
and CDATA nodes, ``.get`` reads an attribute without a namespace, ``len()`` counts child
elements) and every value conversion and model constructor is the Python one, so the two
paths cannot drift apart in what they convert. What this module does not read itself
(custom attributes, system information, files, an unusual party) goes to the Python
builder with an lxml element for that node. A comment, processing instruction or entity
reference among the children (the SDK's parser removes them, so they cannot occur) makes
:func:`session_fields` answer ``None`` and the caller use the pure-Python path.
"""

from cpython.datetime cimport datetime_new, import_datetime
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from libc.string cimport strcmp
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport (
    _Element,
    attributeValue,
    attributeValueFromNsName,
    collectAttributes,
    elementFactory,
    import_lxml__etree,
    pyunicode,
)
from lxml.includes.tree cimport const_xmlChar, xmlAttr, xmlNode

import_lxml__etree()
import_datetime()


cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        const char* name
        int type
        Py_ssize_t offset
        int flags
    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member


cdef extern from "structmember.h":
    int T_OBJECT_EX
    int READONLY

import binascii
import re
from base64 import b64decode as _b64decode

from bomgar_async._xml.tree import node_of as _node_of
from bomgar_async._xml.values import to_bool as _to_bool
from bomgar_async._xml.values import to_datetime as _to_datetime
from bomgar_async._xml.values import to_int as _to_int
from bomgar_async.errors import BomgarProtocolError
from bomgar_async.reporting import build_events as _events
from bomgar_async.reporting import build_refs as _refs
from bomgar_async.reporting.models import (
    CustomerInfo,
    JumpGroup,
    NamedRef,
    ParticipantRef,
    RecordingInstance,
    SessionCustomer,
    SessionRepresentative,
    SessionSurvey,
    SessionTeam,
    SupportSession,
    SurveyQuestion,
    SystemInfoCategory,
)
from bomgar_async.reporting.models import SessionEvent
from bomgar_async.reporting.models.fast import slot_setters as _slot_setters
from bomgar_async.reporting.models.jump import custom_attributes_of as _custom_attributes_of

__all__ = ["session_fields"]

# The Python builders' caches are read through their modules' namespaces at each use, so
# both paths always share the same ones (tests replace them).
cdef dict _EVENTS = vars(_events)
cdef dict _REFS = vars(_refs)
cdef object _when = _events._when
cdef object _py_party = _events._party
cdef object _py_data = _events._data
cdef object _py_files = _events._files
cdef object _py_event = _events._event
cdef object _named = _refs._named
cdef object _participant = _refs._participant
cdef object _jump_group = _refs._jump_group
cdef object _team = _refs._team
cdef object _digits = re.compile(r"[0-9]{1,18}").fullmatch
cdef object _duration = _events.duration_of
cdef const char* _XSI = b"http://www.w3.org/2001/XMLSchema-instance"


class _Fallback(Exception):
    """A node this module does not read (comment, PI, entity reference)."""


# --- models made without their keyword __init__ (as models.fast does) ------------------

_MemberDescriptor = type(SessionEvent.timestamp)
_object_new = object.__new__


cdef class _Slots:
    """Where each field of a plain slotted attrs class lives in its instances: filling
    them is what the class's ``__init__`` does (``models.fast`` checks the class)."""

    cdef object cls
    cdef Py_ssize_t offsets[32]
    cdef int count

    def __init__(self, cls, names):
        _slot_setters(cls, names)  # TypeError unless plain, slotted, fields in this order
        if len(names) > 32:
            raise TypeError(f"{cls.__name__} has too many fields")
        cdef PyMemberDef* member
        for i, name in enumerate(names):
            descriptor = vars(cls)[name]
            if type(descriptor) is not _MemberDescriptor:
                raise TypeError(f"{cls.__name__}.{name} is not a slot")
            member = (<PyMemberDescrObject*>descriptor).d_member
            if member.type != T_OBJECT_EX or member.flags & READONLY:
                raise TypeError(f"{cls.__name__}.{name} is not a plain object slot")
            self.offsets[i] = member.offset
        self.cls = cls
        self.count = len(names)


cdef inline void _put(object made, Py_ssize_t offset, object value):
    cdef PyObject** slot = <PyObject**>((<char*><PyObject*>made) + offset)
    cdef PyObject* old = slot[0]
    Py_INCREF(value)
    slot[0] = <PyObject*>value
    Py_XDECREF(old)


cdef _Slots _EVENT = _Slots(SessionEvent, (
    "timestamp", "event_type", "performed_by", "destination", "body", "encoded_body",
    "filename", "filesize", "files", "data", "system_information",
))


cdef object _new_event(
    timestamp, event_type, performed_by=None, destination=None, body=None,
    encoded_body=None, filename=None, filesize=None, files=(), data=(),
    system_information=(),
):
    """``models.fast.new_session_event``."""
    event = _object_new(SessionEvent)
    cdef Py_ssize_t* at = _EVENT.offsets
    _put(event, at[0], timestamp)
    _put(event, at[1], event_type)
    _put(event, at[2], performed_by)
    _put(event, at[3], destination)
    _put(event, at[4], body)
    _put(event, at[5], encoded_body)
    _put(event, at[6], filename)
    _put(event, at[7], filesize)
    _put(event, at[8], files)
    _put(event, at[9], data)
    _put(event, at[10], system_information)
    return event


cdef object _UTC = _events._UTC


cdef object _from_epoch(long long seconds):
    """``datetime.fromtimestamp(seconds, timezone.utc)`` for 0 <= seconds < 10**10, from the
    proleptic Gregorian calendar (days to civil date, H. Hinnant's algorithm)."""
    cdef long long days = seconds // 86400
    cdef long long rest = seconds - days * 86400
    cdef long long z = days + 719468
    cdef long long era = z // 146097
    cdef long long doe = z - era * 146097
    cdef long long yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    cdef long long doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    cdef long long mp = (5 * doy + 2) // 153
    cdef int day = <int>(doy - (153 * mp + 2) // 5 + 1)
    cdef int month = <int>(mp + 3 if mp < 10 else mp - 9)
    cdef int year = <int>(yoe + era * 400 + (1 if month <= 2 else 0))
    return datetime_new(
        year, month, day, <int>(rest // 3600), <int>(rest % 3600 // 60), <int>(rest % 60), 0, _UTC
    )


cdef inline object _stamp(stamp):
    """``build_events._when``: whole UNIX seconds (up to ten ASCII digits) converted here,
    anything else through the Python builders' cache."""
    if stamp is None:
        return None
    cdef str text = <str>stamp
    cdef Py_ssize_t size = len(text)
    cdef Py_ssize_t i
    cdef long long seconds = 0
    cdef long long digit
    if 0 < size <= 10:
        for i in range(size):
            digit = <long long>(<Py_UCS4>text[i])
            if digit < 48 or digit > 57:  # not 0-9
                return _when(stamp)
            seconds = seconds * 10 + (digit - 48)
        return _from_epoch(seconds)
    return _when(stamp)


# --- lxml's element properties, on C nodes -------------------------------------------

cdef inline xmlNode* _text_or_skip(xmlNode* c) noexcept:
    while c is not NULL:
        if c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE:
            return c
        if c.type == tree.XML_XINCLUDE_START or c.type == tree.XML_XINCLUDE_END:
            c = c.next
        else:
            return NULL
    return NULL


cdef object _collect(xmlNode* start):
    """lxml's ``.text`` (from ``children``) or ``.tail`` (from ``next``)."""
    cdef xmlNode* first = _text_or_skip(start)
    cdef xmlNode* cur = first
    cdef const_xmlChar* found = NULL
    cdef int count = 0
    while cur is not NULL:
        if cur.content is not NULL and cur.content[0] != 0:
            found = cur.content
        count += 1
        cur = _text_or_skip(cur.next)
    if found is NULL:
        return "" if count else None
    if count == 1:
        return pyunicode(found)
    parts = []
    cur = first
    while cur is not NULL:
        if cur.content is not NULL:
            parts.append(<bytes>(<const char*>cur.content))
        cur = _text_or_skip(cur.next)
    return b"".join(parts).decode("utf-8")


cdef inline bint _is_element(xmlNode* c) except -1:
    """Whether ``c`` is an element; text-like nodes are not; anything lxml would list
    as a child but the builders cannot read raises :class:`_Fallback`."""
    if c.type == tree.XML_ELEMENT_NODE:
        return True
    if (
        c.type == tree.XML_TEXT_NODE
        or c.type == tree.XML_CDATA_SECTION_NODE
        or c.type == tree.XML_XINCLUDE_START
        or c.type == tree.XML_XINCLUDE_END
    ):
        return False
    raise _Fallback()


cdef bint _has_children(xmlNode* c) except -1:
    """``len(element) > 0``."""
    cdef xmlNode* kid = c.children
    while kid is not NULL:
        if _is_element(kid):
            return True
        kid = kid.next
    return False


cdef inline bint _is_xsi(xmlAttr* a) noexcept:
    return a.ns is not NULL and a.ns.href is not NULL and strcmp(<const char*>a.ns.href, _XSI) == 0


cdef bint _has_attributes(xmlNode* c) noexcept:
    cdef xmlAttr* a = c.properties
    while a is not NULL:
        if not _is_xsi(a):
            return True
        a = a.next
    return False


cdef object _plain_attr(xmlNode* c, const char* name):
    """``element.get(name)``: the attribute without a namespace (``None`` when absent). Its
    value is read in place when it is one text node, as libxml2 stores a parsed value."""
    cdef xmlAttr* a = c.properties
    cdef xmlNode* value
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            value = a.children
            if value is NULL:
                return ""
            if value.next is NULL and value.type == tree.XML_TEXT_NODE and value.content is not NULL:
                return pyunicode(value.content)
            return attributeValue(c, a)
        a = a.next
    if c.doc is not NULL and (c.doc.intSubset is not NULL or c.doc.extSubset is not NULL):
        return attributeValueFromNsName(c, NULL, <const_xmlChar*>name)  # DTD defaults
    return None


cdef object _attr(xmlNode* c, const char* name):
    """``attr_of``: the attribute without a namespace, else the first namespaced one of
    that local name (not ``xsi:``)."""
    value = _plain_attr(c, name)
    if value is not None:
        return value
    cdef xmlAttr* a = c.properties
    while a is not NULL:
        if a.ns is not NULL and strcmp(<const char*>a.name, name) == 0 and not _is_xsi(a):
            return attributeValue(c, a)
        a = a.next
    return None


cdef object _own_text(xmlNode* c, object text):
    """``own_text`` of an element with children (``text`` is its ``.text``)."""
    parts = [text or ""]
    cdef xmlNode* kid = c.children
    while kid is not NULL:
        if _is_element(kid):
            tail = _collect(kid.next)
            parts.append(tail or "")
        kid = kid.next
    joined = "".join(parts)
    if joined:
        return joined.strip() or None
    return None


cdef object _etext(xmlNode* c):
    """``element_text`` (``None`` for a NULL node)."""
    if c is NULL:
        return None
    text = _collect(c.children)
    if _has_children(c):
        return _own_text(c, text)
    if text:
        return text.strip() or None
    return None


cdef bint _is_blank(xmlNode* c) except -1:
    """``is_blank_element``."""
    if c is NULL:
        return True
    if _has_children(c) or _has_attributes(c):
        return False
    text = _collect(c.children)
    return not text or text.isspace()


cdef inline bint _is_named(xmlNode* c, const char* name) noexcept:
    return strcmp(<const char*>c.name, name) == 0


cdef list _children_named(xmlNode* parent, const char* name):
    """``named_children`` as C nodes (in a list of lxml elements' stand-ins: addresses)."""
    cdef list found = []
    if parent is NULL:
        return found
    cdef xmlNode* kid = parent.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, name):
            found.append(<size_t>kid)
        kid = kid.next
    return found


cdef xmlNode* _first(xmlNode* parent, const char* name) except? NULL:
    """The first child element called ``name`` (NULL when none)."""
    if parent is NULL:
        return NULL
    cdef xmlNode* kid = parent.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, name):
            return kid
        kid = kid.next
    return NULL


cdef inline object _proxy(_Element owner, xmlNode* c):
    return elementFactory(owner._doc, c)


cdef object _attr_int(value):
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


cdef object _stripped(value):
    return (value or "").strip() or None


# --- references, parties and events ----------------------------------------------------

cdef object _ref(object build, xmlNode* c):
    """What ``build`` (one of ``build_refs``' builders) makes of ``c``."""
    if _is_blank(c):
        return None
    if build is _named:
        return NamedRef(id=_attr_int(_attr(c, b"id")), name=_etext(c))
    if build is _participant:
        return ParticipantRef(
            name=_etext(c), id=_attr_int(_attr(c, b"id")), gsnumber=_attr_int(_attr(c, b"gsnumber"))
        )
    if build is _jump_group:
        return JumpGroup(
            type=_stripped(_attr(c, b"type")), id=_attr_int(_attr(c, b"id")), name=_etext(c)
        )
    return SessionTeam(
        id=_attr_int(_attr(c, b"id")),
        name=_etext(c),
        primary_team=_to_bool(_attr(c, b"primary_team")),
    )


cdef object _shared(_Element owner, object build, xmlNode* c):
    """``build_refs._shared``: one instance per distinct childless element."""
    if c is NULL:
        return None
    if _has_children(c):
        return _ref(build, c)
    key = (build, _collect(c.children), tuple(collectAttributes(c, 3)))
    cdef dict shared = _REFS["_SHARED"]
    made = shared.get(key)
    if made is not None or key in shared:
        return made
    made = _ref(build, c)
    if len(shared) >= _REFS["_MAX_SHARED"]:
        shared.clear()
    shared[key] = made
    return made


cdef object _party(_Element owner, xmlNode* c):
    """``build_events._party``; the common shape from the shared instances."""
    gsnumber = _plain_attr(c, b"gsnumber")
    kind = _plain_attr(c, b"type")
    if gsnumber is not None and kind is not None and not _has_children(c):
        party = (<dict>_EVENTS["_PARTIES"]).get((gsnumber, kind, _collect(c.children)))
        if party is not None:
            return party
    return _py_party(_proxy(owner, c))


cdef object _data(_Element owner, xmlNode* holder):
    """``build_events._data``."""
    cdef list found = []
    cdef xmlNode* kid = holder.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, b"value"):
            name = _plain_attr(kid, b"name")
            text = _plain_attr(kid, b"value")
            if name is None or text is None:
                if _is_blank(kid):
                    kid = kid.next
                    continue
                name, text = _attr(kid, b"name"), _attr(kid, b"value")
            found.append((name or "", text))
        kid = kid.next
    return tuple(found)


cdef object _decoded(str encoded):
    """``models.events.chat_body``'s body from the encoded body alone: base64 (line breaks
    allowed) to UTF-8 text, ``None`` when it is not valid base64."""
    try:
        raw = _b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace")


cdef tuple _texts(xmlNode* parent, const char* name):
    """``build_events.texts_of``."""
    if parent is NULL:
        return ()
    found = []
    cdef xmlNode* kid = parent.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, name):
            found.append(_etext(kid))
        kid = kid.next
    return tuple(found)


cdef object _category(xmlNode* c):
    """``build_events._category``."""
    return SystemInfoCategory(
        name=_stripped(_attr(c, b"name")) or _etext(_first(c, b"name")),
        description=_texts(_first(c, b"description"), b"field"),
        rows=tuple([
            _texts(<xmlNode*><size_t>at, b"field")
            for at in _children_named(_first(c, b"data"), b"row")
        ]),
    )


cdef object _event(_Element owner, xmlNode* event, stamp, event_type):
    """``build_events._event``: the first child of each name counts."""
    cdef xmlNode* performed = NULL
    cdef xmlNode* destination = NULL
    cdef xmlNode* body_at = NULL
    cdef xmlNode* encoded_at = NULL
    cdef xmlNode* filename_at = NULL
    cdef xmlNode* filesize_at = NULL
    cdef xmlNode* files_at = NULL
    cdef xmlNode* data_at = NULL
    cdef xmlNode* system_at = NULL
    cdef xmlNode* kid = event.children
    cdef const char* name
    while kid is not NULL:
        if _is_element(kid):
            name = <const char*>kid.name
            if strcmp(name, b"performed_by") == 0:
                if performed is NULL:
                    performed = kid
            elif strcmp(name, b"destination") == 0:
                if destination is NULL:
                    destination = kid
            elif strcmp(name, b"data") == 0:
                if data_at is NULL:
                    data_at = kid
            elif strcmp(name, b"body") == 0:
                if body_at is NULL:
                    body_at = kid
            elif strcmp(name, b"encoded_body") == 0:
                if encoded_at is NULL:
                    encoded_at = kid
            elif strcmp(name, b"system_information") == 0:
                if system_at is NULL:
                    system_at = kid
            elif strcmp(name, b"files") == 0:
                if files_at is NULL:
                    files_at = kid
            elif strcmp(name, b"filename") == 0:
                if filename_at is NULL:
                    filename_at = kid
            elif strcmp(name, b"filesize") == 0:
                if filesize_at is NULL:
                    filesize_at = kid
        kid = kid.next
    body = encoded = None
    if body_at is not NULL or encoded_at is not NULL:
        body, encoded = _etext(body_at), _etext(encoded_at)
        if body is None and encoded is not None:
            body = _decoded(encoded)
    categories = ()
    if system_at is not NULL:
        categories = tuple([
            _category(<xmlNode*><size_t>at) for at in _children_named(system_at, b"category")
        ])
    return _new_event(
        _stamp(stamp),
        event_type,
        None if performed is NULL else _party(owner, performed),
        None if destination is NULL else _party(owner, destination),
        body,
        encoded,
        None if filename_at is NULL else _etext(filename_at),
        None if filesize_at is NULL else _to_int(_etext(filesize_at)),
        () if files_at is NULL else _py_files(_proxy(owner, files_at)),
        () if data_at is NULL else _data(owner, data_at),
        categories,
    )


cdef tuple _events_of(_Element owner, xmlNode* details):
    """``build_events.events_of``."""
    if details is NULL:
        return ()
    cdef list found = []
    cdef xmlNode* kid = details.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, b"event"):
            stamp = _plain_attr(kid, b"timestamp")
            event_type = _plain_attr(kid, b"event_type")
            if stamp is None or event_type is None:
                stamp, event_type = _attr(kid, b"timestamp"), _attr(kid, b"event_type")
            if _has_children(kid):
                found.append(_event(owner, kid, stamp, event_type))
            else:
                found.append(_new_event(_stamp(stamp), event_type))
        kid = kid.next
    return tuple(found)


# --- the session's own parts --------------------------------------------------------------

cdef object _datetime(xmlNode* c):
    """``element_datetime``."""
    if c is NULL:
        return None
    parsed = _to_datetime(_attr(c, b"ts"))
    if parsed is not None:
        return parsed
    parsed = _to_datetime(_attr(c, b"timestamp"))
    if parsed is not None:
        return parsed
    return _to_datetime(_etext(c))


cdef object _info(xmlNode* c):
    if c is NULL or not (_has_children(c) or _has_attributes(c)):
        return None
    issue = _etext(_first(c, b"issue"))
    return CustomerInfo(
        name=_etext(_first(c, b"name")),
        company=_etext(_first(c, b"company")),
        company_code=_etext(_first(c, b"company_code")),
        issue=int(issue) if issue is not None and _digits(issue) else None,
        details=_etext(_first(c, b"details")),
        issue_text=issue,
    )


cdef object _customer(xmlNode* c):
    return SessionCustomer(
        gsnumber=_attr_int(_attr(c, b"gsnumber")),
        username=_etext(_first(c, b"username")),
        public_ip=_etext(_first(c, b"public_ip")),
        private_ip=_etext(_first(c, b"private_ip")),
        hostname=_etext(_first(c, b"hostname")),
        os=_etext(_first(c, b"os")),
        primary_cust=_to_bool(_etext(_first(c, b"primary_cust"))),
        info=_info(_first(c, b"info")),
    )


cdef object _rep(xmlNode* c):
    return SessionRepresentative(
        gsnumber=_attr_int(_attr(c, b"gsnumber")),
        id=_attr_int(_attr(c, b"id")),
        username=_etext(_first(c, b"username")),
        display_name=_etext(_first(c, b"display_name")),
        public_display_name=_etext(_first(c, b"public_display_name")),
        private_display_name=_etext(_first(c, b"private_display_name")),
        display_number=_to_int(_etext(_first(c, b"display_number"))),
        public_ip=_etext(_first(c, b"public_ip")),
        private_ip=_etext(_first(c, b"private_ip")),
        hostname=_etext(_first(c, b"hostname")),
        os=_etext(_first(c, b"os")),
        session_owner=_to_bool(_etext(_first(c, b"session_owner"))),
        primary_rep=_to_bool(_etext(_first(c, b"primary_rep"))),
        seconds_involved=_to_int(_etext(_first(c, b"seconds_involved"))),
        embassy=_to_bool(_etext(_first(c, b"embassy"))) is True,
        invited=_to_bool(_etext(_first(c, b"invited"))) is True,
    )


cdef tuple _recordings(xmlNode* holder, const char* item):
    cdef xmlNode* c
    found = []
    for at in _children_named(holder, item):
        c = <xmlNode*><size_t>at
        found.append(
            RecordingInstance(
                instance=_attr_int(_attr(c, b"instance")),
                download_url=_etext(_first(c, b"download_url")),
                view_url=_etext(_first(c, b"view_url")),
            )
        )
    return tuple(found)


cdef object _question(xmlNode* c):
    answers = [a for a in _texts(_first(c, b"answer_list"), b"answer") if a is not None]
    return SurveyQuestion(
        id=_attr_int(_attr(c, b"id")),
        name=_etext(_first(c, b"name")),
        type=_etext(_first(c, b"type")),
        label=_etext(_first(c, b"label")),
        report_header=_etext(_first(c, b"report_header")),
        answers=tuple(answers),
    )


cdef tuple _surveys(xmlNode* holder, const char* item):
    cdef xmlNode* survey
    cdef xmlNode* question_list
    found = []
    for at in _children_named(holder, item):
        survey = <xmlNode*><size_t>at
        question_list = _first(survey, b"question_list")
        questions = _children_named(question_list, b"question")
        if not questions:
            questions = _children_named(survey, b"question")
        found.append(
            SessionSurvey(
                questions=tuple([
                    _question(<xmlNode*><size_t>q)
                    for q in questions
                    if not _is_blank(<xmlNode*><size_t>q)
                ])
            )
        )
    return tuple(found)


# The session's children read by name: the first of each counts.
cdef enum:
    K_SESSION_TYPE, K_LSEQ, K_START_TIME, K_END_TIME, K_DURATION, K_JUMP_GROUP, K_JUMPOINT,
    K_EXTERNAL_KEY, K_CUSTOM_ATTRIBUTES, K_CHAT_VIEW, K_CHAT_DOWNLOAD, K_RECORDING_VIEW,
    K_RECORDING_DOWNLOAD, K_COMMAND_SHELL, K_TRANSFERS, K_MOVES, K_DELETES,
    K_PRIMARY_CUSTOMER, K_PRIMARY_REP, K_PRIMARY_TEAM, K_CUSTOMERS, K_REPS, K_TEAMS,
    K_DETAILS, K_PUBLIC_SITE, K_SHOW_MY_SCREEN, K_CUST_SURVEYS, K_REP_SURVEYS, K_COUNT

cdef const char* _KIDS[K_COUNT]
_KIDS[:] = [
    b"session_type", b"lseq", b"start_time", b"end_time", b"duration", b"jump_group",
    b"jumpoint", b"external_key", b"custom_attributes", b"session_chat_view_url",
    b"session_chat_download_url", b"session_recording_view_url",
    b"session_recording_download_url", b"command_shell_recordings", b"file_transfer_count",
    b"file_move_count", b"file_delete_count", b"primary_customer", b"primary_rep",
    b"primary_team", b"customer_list", b"rep_list", b"team_list", b"session_details",
    b"public_site", b"show_my_screen_recordings", b"cust_survey_list", b"rep_survey_list",
]


cdef dict _fields(_Element element, bint support):
    cdef xmlNode* session = element._c_node
    cdef xmlNode* kids[K_COUNT]
    cdef xmlNode* kid
    cdef int i
    lsid = _stripped(_attr(session, b"lsid"))
    if lsid is None:
        raise BomgarProtocolError("<session> has no lsid attribute")
    for i in range(K_COUNT):
        kids[i] = NULL
    kid = session.children
    while kid is not NULL:
        if _is_element(kid):
            for i in range(K_COUNT):
                if kids[i] is NULL and strcmp(<const char*>kid.name, _KIDS[i]) == 0:
                    kids[i] = kid
                    break
        kid = kid.next
    duration = _etext(kids[K_DURATION])
    custom = kids[K_CUSTOM_ATTRIBUTES]
    fields = {
        "lsid": lsid,
        "session_type": _etext(kids[K_SESSION_TYPE]),
        "lseq": _to_int(_etext(kids[K_LSEQ])),
        "start_time": _datetime(kids[K_START_TIME]),
        "end_time": _datetime(kids[K_END_TIME]),
        "duration": None if duration is None else _duration(duration),
        "jump_group": _shared(element, _jump_group, kids[K_JUMP_GROUP]),
        "jumpoint": _shared(element, _named, kids[K_JUMPOINT]),
        "external_key": _etext(kids[K_EXTERNAL_KEY]),
        "custom_attributes": ()
        if custom is NULL
        else _custom_attributes_of({"custom_attributes": _node_of(_proxy(element, custom))}),
        "session_chat_view_url": _etext(kids[K_CHAT_VIEW]),
        "session_chat_download_url": _etext(kids[K_CHAT_DOWNLOAD]),
        "session_recording_view_url": _etext(kids[K_RECORDING_VIEW]),
        "session_recording_download_url": _etext(kids[K_RECORDING_DOWNLOAD]),
        "command_shell_recordings": _recordings(
            kids[K_COMMAND_SHELL], b"command_shell_recording"
        ),
        "file_transfer_count": _to_int(_etext(kids[K_TRANSFERS])),
        "file_move_count": _to_int(_etext(kids[K_MOVES])),
        "file_delete_count": _to_int(_etext(kids[K_DELETES])),
        "primary_customer": _shared(element, _participant, kids[K_PRIMARY_CUSTOMER]),
        "primary_rep": _shared(element, _participant, kids[K_PRIMARY_REP]),
        "primary_team": _shared(element, _named, kids[K_PRIMARY_TEAM]),
        "customers": tuple([
            _customer(<xmlNode*><size_t>at)
            for at in _children_named(kids[K_CUSTOMERS], b"customer")
            if not _is_blank(<xmlNode*><size_t>at)
        ]),
        "reps": tuple([
            _rep(<xmlNode*><size_t>at)
            for at in _children_named(kids[K_REPS], b"representative")
            if not _is_blank(<xmlNode*><size_t>at)
        ]),
        "teams": tuple([
            t
            for t in [
                _shared(element, _team, <xmlNode*><size_t>at)
                for at in _children_named(kids[K_TEAMS], b"team")
            ]
            if t is not None
        ]),
        "events": _events_of(element, kids[K_DETAILS]),
    }
    if support:
        fields["public_site"] = _shared(element, _named, kids[K_PUBLIC_SITE])
        fields["show_my_screen_recordings"] = _recordings(
            kids[K_SHOW_MY_SCREEN], b"show_my_screen_recording"
        )
        fields["cust_surveys"] = _surveys(kids[K_CUST_SURVEYS], b"cust_exit_survey")
        fields["rep_surveys"] = _surveys(kids[K_REP_SURVEYS], b"rep_exit_survey")
    return fields


cdef tuple _SESSION_FIELDS = tuple(field.name for field in SupportSession.__attrs_attrs__)
cdef _Slots _SESSION = _Slots(SupportSession, _SESSION_FIELDS)


def support_session(element):
    """A ``SupportSession`` from an lxml ``<session>`` element, as
    ``SupportSession(**session_fields(element, True))``; ``None`` as for
    :func:`session_fields`."""
    if not isinstance(element, _Element):
        return None
    try:
        fields = _fields(<_Element>element, True)
    except _Fallback:
        return None
    session = _object_new(SupportSession)
    cdef Py_ssize_t* at = _SESSION.offsets
    for i in range(_SESSION.count):
        _put(session, at[i], fields[_SESSION_FIELDS[i]])
    return session


def session_fields(element, bint support):
    """The keyword arguments of the session model for an lxml ``<session>`` element
    (``support``: with Remote Support's own fields), or ``None`` when ``element`` is not
    an lxml element or holds a node only the pure-Python builders read.

    Raises:
        BomgarProtocolError: the session has no lsid.
    """
    if not isinstance(element, _Element):
        return None
    try:
        return _fields(<_Element>element, support)
    except _Fallback:
        return None
