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
from libc.string cimport memcpy, strcmp, strlen
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


cdef extern from "Python.h":
    void PyObject_GC_UnTrack(void* op)
    int PyObject_GC_IsTracked(object op)


cdef extern from "structmember.h":
    int T_OBJECT_EX
    int READONLY

import re

from bomgar_async._xml.tree import node_of as _node_of
from bomgar_async._xml.values import to_bool as _to_bool
from bomgar_async._xml.values import to_datetime as _to_datetime
from bomgar_async._xml.values import to_int as _to_int
from bomgar_async.errors import BomgarProtocolError
from bomgar_async.reporting import build_events as _events
from bomgar_async.reporting import build_refs as _refs
from bomgar_async.reporting.models import (
    CustomerInfo,
    EventFile,
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
from bomgar_async.reporting.models.events import chat_body as _chat_body
from bomgar_async.reporting.models.fast import slot_setters as _slot_setters
from bomgar_async.reporting.models.jump import custom_attributes_of as _custom_attributes_of

__all__ = ["deeper_than", "session_fields", "support_session"]

# The Python builders' caches are read through their modules' namespaces at each use, so
# both paths always share the same ones (tests replace them).
cdef dict _EVENTS = vars(_events)
cdef dict _REFS = vars(_refs)
cdef object _when = _events._when
cdef object _py_party = _events._party
cdef object _py_data = _events._data
cdef object _new_party = _events.new_event_party
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


cdef inline object _kept(object made):
    """``made``, no longer followed by the cyclic garbage collector. The models are frozen
    and hold only strings, numbers, datetimes and tuples of models (the tuples made here
    too), so they cannot be part of a reference cycle; a report held in memory (windows waiting for their turn) would
    otherwise make every full collection walk all of its objects. Equality, hashing and
    pickling are unaffected (CPython untracks its atomic tuples and dicts the same way)."""
    if PyObject_GC_IsTracked(made):
        PyObject_GC_UnTrack(<void*>made)
    return made


include "_cbuild_slots.pxi"
include "_cbuild_nodes.pxi"
include "_cbuild_events.pxi"
include "_cbuild_depth.pxi"


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
    return _kept(CustomerInfo(
        name=_etext(_first(c, b"name")),
        company=_etext(_first(c, b"company")),
        company_code=_etext(_first(c, b"company_code")),
        issue=int(issue) if issue is not None and _digits(issue) else None,
        details=_etext(_first(c, b"details")),
        issue_text=issue,
    ))


# The participants' fields read from the first child of that name (as build.py's
# ``_first_texts``), and how each text is converted (None: kept as text).
_CUSTOMER_TEXTS = tuple((name, name.encode(), convert) for name, convert in (
    ("username", None), ("public_ip", None), ("private_ip", None), ("hostname", None),
    ("os", None), ("primary_cust", _to_bool),
))  # fmt: skip
_REP_TEXTS = tuple((name, name.encode(), convert) for name, convert in (
    ("username", None), ("display_name", None), ("public_display_name", None),
    ("private_display_name", None), ("display_number", _to_int), ("public_ip", None),
    ("private_ip", None), ("hostname", None), ("os", None), ("session_owner", _to_bool),
    ("primary_rep", _to_bool), ("seconds_involved", _to_int), ("embassy", _to_bool),
    ("invited", _to_bool),
))  # fmt: skip


cdef dict _read_texts(xmlNode* c, tuple fields):
    """``{name: converted text of the first child called name}`` for ``fields`` (each
    ``(name, name as bytes, convert)``)."""
    found = {}
    for name, raw, convert in fields:
        text = _etext(_first(c, <bytes>raw))
        found[name] = text if convert is None else convert(text)
    return found


cdef object _customer(xmlNode* c):
    return _kept(SessionCustomer(
        gsnumber=_attr_int(_attr(c, b"gsnumber")),
        info=_info(_first(c, b"info")),
        **_read_texts(c, _CUSTOMER_TEXTS),
    ))


cdef object _rep(xmlNode* c):
    fields = _read_texts(c, _REP_TEXTS)
    fields["embassy"] = fields["embassy"] is True
    fields["invited"] = fields["invited"] is True
    return _kept(SessionRepresentative(
        gsnumber=_attr_int(_attr(c, b"gsnumber")), id=_attr_int(_attr(c, b"id")), **fields
    ))


cdef tuple _recordings(xmlNode* holder, const char* item):
    cdef xmlNode* c
    found = []
    for at in _children_named(holder, item):
        c = <xmlNode*><size_t>at
        found.append(
            _kept(RecordingInstance(
                instance=_attr_int(_attr(c, b"instance")),
                download_url=_etext(_first(c, b"download_url")),
                view_url=_etext(_first(c, b"view_url")),
            ))
        )
    return _kept(tuple(found))


cdef object _question(xmlNode* c):
    answers = [a for a in _texts(_first(c, b"answer_list"), b"answer") if a is not None]
    return _kept(SurveyQuestion(
        id=_attr_int(_attr(c, b"id")),
        name=_etext(_first(c, b"name")),
        type=_etext(_first(c, b"type")),
        label=_etext(_first(c, b"label")),
        report_header=_etext(_first(c, b"report_header")),
        answers=tuple(answers),
    ))


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
            _kept(SessionSurvey(
                questions=tuple([
                    _question(<xmlNode*><size_t>q)
                    for q in questions
                    if not _is_blank(<xmlNode*><size_t>q)
                ])
            ))
        )
    return _kept(tuple(found))


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


cdef dict _fields_or_none(element, bint support):
    """``_fields`` of an lxml element; ``None`` for another element or one that holds a
    node only the pure-Python builders read."""
    if not isinstance(element, _Element):
        return None
    try:
        return _fields(<_Element>element, support)
    except _Fallback:
        return None


def support_session(element):
    """A ``SupportSession`` from an lxml ``<session>`` element, as
    ``SupportSession(**session_fields(element, True))``; ``None`` as for
    :func:`session_fields`."""
    fields = _fields_or_none(element, True)
    if fields is None:
        return None
    session = _object_new(SupportSession)
    cdef Py_ssize_t* at = _SESSION.offsets
    for i in range(_SESSION.count):
        _put(session, at[i], fields[_SESSION_FIELDS[i]])
    return _kept(session)


def session_fields(element, bint support):
    """The keyword arguments of the session model for an lxml ``<session>`` element
    (``support``: with Remote Support's own fields), or ``None`` when ``element`` is not
    an lxml element or holds a node only the pure-Python builders read.

    Raises:
        BomgarProtocolError: the session has no lsid.
    """
    return _fields_or_none(element, support)
