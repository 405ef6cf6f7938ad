"""``bg.pra``: the Reporting API of BeyondTrust Privileged Remote Access (PRA).

PRA, the sibling product of Remote Support, answers at the same reporting path with the
same shapes (namespace ``http://www.beyondtrust.com/sra/namespaces/API/reporting`` on cloud
sites): ``AccessSession`` reports are ``<session_list>`` documents like ``SupportSession``,
so they are streamed, windowed and synced by the same machinery as Remote Support's. ``api``
is the endpoint group, ``params`` builds the reports' parameters, ``parse`` and ``models``
turn answers into :class:`~bomgar_async.pra.models.AccessSession` and
:class:`~bomgar_async.pra.models.VaultAccountActivity` models.
"""
