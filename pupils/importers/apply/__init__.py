"""Writing imported records: match each child by UPN then former UPNs, add or change, audit.

One file is one transaction (all or nothing): any problem anywhere in the file rolls every row
back, and the refusal itself is audited. A dry run does all the work and rolls it back, so the
preview shows exactly what the import would do. Re-importing a file changes nothing.

Identity (Cairn domain reference, ctf.md §5 [V]): match by UPN, then FormerUPN; never by name and
date of birth alone. The CTF carries no safeguarding data (ctf.md §4), so an import never writes,
changes or infers any: it touches identity, statuses, contacts and addresses only.

Two steps, one module each (ADR 17): `run` reads a file and applies it in one transaction
(the batch, the chunks, the result); `writer` writes one child's record (match, add or change,
statuses, contacts and addresses).
"""

from pupils.importers.apply.plan import Outcome
from pupils.importers.apply.run import ImportResult, import_file

__all__ = ["ImportResult", "Outcome", "import_file"]
