"""Writing one child's record: match by UPN then former UPNs, add or change identity,
statuses, enrolment, contacts and addresses, in bulk per chunk."""

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from django.db.models import Model
from django.utils import timezone

from audit import rows as fast_rows
from audit import services as audit
from audit.models import AuditAction
from pupils.importers.apply.plan import DATE_KEYS, FLAG_STATUS, INSERT_ORDER, TEXT_FIELDS, Outcome
from pupils.importers.records import AddressRecord, ContactRecord, PupilRecord
from pupils.models import (
    Address,
    Enrolment,
    FormerUPN,
    ImportKind,
    Person,
    Pupil,
    PupilAddress,
    PupilSourceRecord,
    PupilStatus,
    RecordSource,
    Relationship,
    SenStatus,
    SocialCareStatus,
    StatusKind,
)
from schools.models import Membership, School


class _ConflictError(Exception):
    pass


def _phone_key(contact: ContactRecord) -> str:
    for phone in contact.phones:
        digits = re.sub(r"\D", "", phone.number)
        if digits:
            return digits[-20:]
    return ""


def _address_row(record: AddressRecord) -> Address:
    return fast_rows.new(
        Address,
        saon=record.saon,
        paon=record.paon,
        street=record.street,
        locality=record.locality,
        town=record.town,
        administrative_area=record.administrative_area,
        lines=list(record.lines),
        postcode=record.postcode,
        uprn=record.uprn,
        match_key=record.match_key,
    )


class _Writer:
    def __init__(
        self,
        *,
        school: School,
        actor: Membership | None,
        source: RecordSource,
        kind: ImportKind,
        file_name: str,
        effective: date,
        copier: fast_rows.CopyThread | None = None,
    ) -> None:
        self.school = school
        # PostgreSQL: new children's rows are copied on a writer thread (`run`; ADR 25).
        self.copier = copier
        self.actor = actor
        self.source = source
        self.kind = kind
        self.file_name = file_name
        self.effective = effective
        # The current pupil's address row, shared with contacts whose address is the pupil's.
        self._pupil_address: tuple[AddressRecord, Address] | None = None
        # Every child this file has matched or added (a second record for one child is refused).
        self.applied: set[object] = set()
        # Rows for new children wait here and go in with one insert per table per chunk.
        self._pending: dict[type[Model], list[Model]] = {model: [] for model in INSERT_ORDER}
        self._buffering = False
        self._by_upn: dict[str, Pupil] = {}
        self._former: dict[str, FormerUPN] = {}
        # Each added or changed child's audit event, appended with the chunk's rows.
        self._events: list[audit.Entry] = []

    def prefetch(self, records: list[PupilRecord]) -> None:
        """Look up every UPN and former UPN of a chunk at once."""
        upns = {u for r in records for u in (r.upn, *r.former_upns)}
        self._by_upn = {p.upn: p for p in Pupil.objects.filter(upn__in=upns)}
        self._former = {
            f.upn: f for f in FormerUPN.objects.filter(upn__in=upns).select_related("pupil")
        }

    def is_new(self, record: PupilRecord) -> bool:
        """No child in Cairn matches `record`: applying it only queues rows for `flush`."""
        return self._match(record) is None

    def flush(self) -> None:
        """Insert the rows queued for new children, then append every queued audit event
        (with a copier: build their COPYs, sent by the copier's next `send`). A former UPN's
        key is numbered by the database and not read back: no row refers to one."""
        now = timezone.now()
        for model in INSERT_ORDER:
            rows = self._pending[model]
            if rows:
                fast_rows.insert(model, rows, now=now, copier=self.copier)
                self._pending[model] = []
        audit.record_many(self._events, copier=self.copier)
        self._events = []

    def _insert(self, row: Model) -> None:
        if self._buffering:
            self._pending[type(row)].append(row)
        else:
            row.save(force_insert=True)

    def _address_for(self, record: AddressRecord | None) -> Address | None:
        if record is None:
            return None
        if self._pupil_address is not None and self._pupil_address[0] is record:
            return self._pupil_address[1]
        row = _address_row(record)
        self._insert(row)
        return row

    def apply(self, record: PupilRecord) -> Outcome:
        pupil = self._match(record)
        if pupil is not None and pupil.pk in self.applied:
            raise _ConflictError(
                f"UPN {record.upn} is a child this file has already given; a file holds each "
                "child once."
            )
        added = pupil is None
        self._buffering = added
        changes: list[str] = []
        if pupil is None:
            pupil = self._create(record)
        else:
            changes.extend(self._update(pupil, record))
        changes.extend(self._former_upns(pupil, record))
        changes.extend(self._statuses(pupil, record, new=added))
        changes.extend(self._enrolment(pupil, record))
        address_key = self._address(pupil, record, changes, new=added)
        if record.contacts is not None:
            changes.extend(self._contacts(pupil, record.contacts, address_key, new=added))
        status: Literal["added", "changed", "unchanged"] = (
            "added" if added else "changed" if changes else "unchanged"
        )
        if status != "unchanged":
            self._insert(
                fast_rows.new(
                    PupilSourceRecord,
                    pupil=pupil,
                    file_name=self.file_name[:255],
                    kind=self.kind,
                    raw=record.raw,
                )
            )
            self._events.append(
                audit.Entry(
                    actor=self.actor,
                    action=AuditAction.PUPIL_ADDED_BY_IMPORT
                    if added
                    else AuditAction.PUPIL_CHANGED_BY_IMPORT,
                    at=timezone.now(),
                    target=pupil,
                    pupil_id=pupil.pk,
                    school_id=self.school.pk,
                    details={"file": self.file_name, "changes": changes[:30]},
                )
            )
        self._buffering = False
        self.applied.add(pupil.pk)
        name = f"{pupil.legal_forename} {pupil.legal_surname}"
        return Outcome(upn=pupil.upn, name=name, status=status, changes=tuple(changes))

    def _match(self, record: PupilRecord) -> Pupil | None:
        """By UPN, then by the file's former UPNs, then by UPNs Cairn holds as former ones."""
        pupil = self._by_upn.get(record.upn)
        if pupil is None:
            pupil = next((self._by_upn[u] for u in record.former_upns if u in self._by_upn), None)
        if pupil is None:
            former = next(
                (self._former[u] for u in (record.upn, *record.former_upns) if u in self._former),
                None,
            )
            pupil = former.pupil if former is not None else None
        return pupil

    def _create(self, record: PupilRecord) -> Pupil:
        pupil = fast_rows.new(
            Pupil,
            upn=record.upn,
            legal_forename=record.legal_forename,
            legal_surname=record.legal_surname,
            date_of_birth=record.date_of_birth,
        )
        for name in TEXT_FIELDS:
            value = getattr(record, name)
            if value is not None:
                setattr(pupil, name, value)
        for name in FLAG_STATUS:
            value = getattr(record, name)
            if value is not None:
                setattr(pupil, name, value)
        if record.social_care_status == SocialCareStatus.OPEN:
            pupil.social_care_status_from = record.status_dates.get("social_care")
        self._insert(pupil)
        self._by_upn[pupil.upn] = pupil
        return pupil

    def _update(self, pupil: Pupil, record: PupilRecord) -> list[str]:
        changes = []
        if pupil.upn != record.upn and not FormerUPN.objects.filter(upn=record.upn).exists():
            former, _created = FormerUPN.objects.get_or_create(pupil=pupil, upn=pupil.upn)
            self._former[former.upn] = former
            changes.append(f"UPN {pupil.upn} → {record.upn} (old one kept as a former UPN)")
            pupil.upn = record.upn
        if (
            record.social_care_status == SocialCareStatus.OPEN
            and "social_care" in record.status_dates
        ):
            since = record.status_dates["social_care"]
            if pupil.social_care_status_from != since:
                changes.append(f"open to social care from {since:%d %b %Y}")
                pupil.social_care_status_from = since
        for name in ("legal_forename", "legal_surname", "date_of_birth", *TEXT_FIELDS):
            value = getattr(record, name)
            if value is not None and getattr(pupil, name) != value:
                changes.append(f"{name.replace('_', ' ')}: {getattr(pupil, name)!s} → {value!s}")
                setattr(pupil, name, value)
        for name in FLAG_STATUS:
            value = getattr(record, name)
            if value is not None and getattr(pupil, name) != value:
                changes.append(f"{name.replace('_', ' ')}: {'yes' if value else 'no'}")
                setattr(pupil, name, value)
        if changes:
            pupil.save()
        return changes

    def _former_upns(self, pupil: Pupil, record: PupilRecord) -> list[str]:
        changes = []
        for upn in record.former_upns:
            if upn == pupil.upn:
                continue
            existing = self._former.get(upn)
            if existing is None:
                former = FormerUPN(pupil=pupil, upn=upn)
                self._insert(former)
                self._former[upn] = former
                if not self._buffering:
                    changes.append(f"former UPN {upn} added")
            elif existing.pupil_id != pupil.pk:
                raise _ConflictError(
                    f"<FormerUPN> {upn} belongs to another child in Cairn; a person must decide "
                    "which record is right (nothing was merged)."
                )
        return changes

    def _statuses(self, pupil: Pupil, record: PupilRecord, *, new: bool) -> list[str]:
        wanted: dict[StatusKind, bool] = {}
        for name, kind in FLAG_STATUS.items():
            value = getattr(record, name)
            if value is not None:
                wanted[kind] = value
        if record.sen_status is not None:
            wanted[StatusKind.SEN_SUPPORT] = record.sen_status == SenStatus.SEN_SUPPORT
            wanted[StatusKind.EHC_PLAN] = record.sen_status == SenStatus.EHC_PLAN
        if record.social_care_status is not None:
            wanted[StatusKind.SOCIAL_CARE_OPEN] = record.social_care_status == SocialCareStatus.OPEN
            wanted[StatusKind.SOCIAL_CARE_PREVIOUS] = (
                record.social_care_status == SocialCareStatus.PREVIOUSLY_KNOWN
            )
        if not wanted:
            return []
        open_rows = (
            {}
            if new
            else {s.kind: s for s in PupilStatus.objects.filter(pupil=pupil, ended_on__isnull=True)}
        )
        changes = []
        for kind, on in wanted.items():
            row = open_rows.get(kind)
            if on and row is None:
                started = record.status_dates.get(DATE_KEYS.get(kind, kind.value))
                self._insert(
                    fast_rows.new(
                        PupilStatus,
                        pupil=pupil,
                        kind=kind,
                        started_on=started or (None if new else self.effective),
                        source=self.source,
                    )
                )
                if not new:
                    changes.append(f"{kind.label} from {started or self.effective:%d %b %Y}")
            elif not on and row is not None:
                row.ended_on = max(self.effective, row.started_on or self.effective)
                row.save(update_fields=["ended_on"])
                changes.append(f"{kind.label} ended {row.ended_on:%d %b %Y}")
        return changes

    def _enrolment(self, pupil: Pupil, record: PupilRecord) -> list[str]:
        if (
            not self._buffering
            and Enrolment.objects.filter(
                pupil=pupil, school=self.school, end_date__isnull=True
            ).exists()
        ):
            return []
        start = record.enrolment_start or self.effective
        self._insert(fast_rows.new(Enrolment, pupil=pupil, school=self.school, start_date=start))
        return [f"on roll at {self.school.name} from {start:%d %b %Y}"]

    def _address(
        self, pupil: Pupil, record: PupilRecord, changes: list[str], *, new: bool
    ) -> str | None:
        self._pupil_address = None
        if record.address is None:
            return None
        key = record.address.match_key
        current = (
            None
            if new
            else PupilAddress.objects.filter(pupil=pupil, to_date__isnull=True)
            .select_related("address")
            .first()
        )
        if current is not None and current.address.match_key == key:
            self._pupil_address = (record.address, current.address)
            return key
        if current is not None:
            current.to_date = max(self.effective, current.from_date)
            current.save(update_fields=["to_date"])
            changes.append(f"moved: new address from {self.effective:%d %b %Y}")
        elif not new:
            changes.append("address added")
        row = _address_row(record.address)
        self._insert(row)
        self._pupil_address = (record.address, row)
        self._insert(
            fast_rows.new(
                PupilAddress,
                pupil=pupil,
                address=row,
                from_date=current.to_date or self.effective
                if current is not None
                else self.effective,
                source=self.source,
            )
        )
        return key

    def _contacts(
        self, pupil: Pupil, contacts: Iterable[ContactRecord], address_key: str | None, *, new: bool
    ) -> list[str]:
        existing: dict[str, Relationship] = {}
        if not new:
            for relationship in Relationship.objects.filter(
                pupil=pupil, valid_to__isnull=True, source__in=[RecordSource.CTF, RecordSource.CSV]
            ).select_related("person", "person__address"):
                person = relationship.person
                key = f"{person.forename.strip().lower()}|{person.surname.strip().lower()}"
                existing[key] = relationship
        changes: list[str] = []
        seen: set[str] = set()
        for contact in contacts:
            key = contact.name_key
            if key in seen:
                continue
            seen.add(key)
            found = existing.get(key)
            if found is None:
                person = self._person(contact, address_key)
                self._add_relationship(
                    pupil=pupil,
                    person=person,
                    kind=contact.kind,
                    parental_responsibility=contact.parental_responsibility,
                    lives_with_pupil=contact.lives_with_pupil,
                    contact_priority=contact.order,
                    relationship_code=contact.relationship_code,
                    valid_from=None if new else self.effective,
                    source=self.source,
                )
                if not new:
                    changes.append(f"contact added: {contact.forename} {contact.surname}")
                continue
            changes.extend(self._refresh(found, contact, address_key))
        for key, relationship in existing.items():
            if key not in seen:
                relationship.valid_to = max(
                    self.effective, relationship.valid_from or self.effective
                )
                relationship.save(update_fields=["valid_to"])
                changes.append(
                    f"contact ended: {relationship.person.forename} {relationship.person.surname}"
                )
        return changes

    def _add_relationship(self, **fields: Any) -> None:
        self._insert(fast_rows.new(Relationship, **fields))

    def _person(self, contact: ContactRecord, address_key: str | None) -> Person:
        person = fast_rows.new(
            Person,
            school=self.school,
            title=contact.title,
            forename=contact.forename,
            middle_names=contact.middle_names,
            surname=contact.surname,
            phones=[{"type": p.type, "number": p.number} for p in contact.phones],
            email=contact.email,
            phone_key=_phone_key(contact),
            address=self._address_for(contact.address),
            source=self.source,
        )
        self._insert(person)
        return person

    def _refresh(
        self, relationship: Relationship, contact: ContactRecord, address_key: str | None
    ) -> list[str]:
        changes = []
        person = relationship.person
        name = f"{person.forename} {person.surname}"
        phones = [{"type": p.type, "number": p.number} for p in contact.phones]
        person_changed = False
        if (
            person.phones != phones
            or person.email != contact.email
            or person.title != contact.title
        ):
            person.phones, person.email, person.title = phones, contact.email, contact.title
            person.phone_key = _phone_key(contact)
            person_changed = True
            changes.append(f"contact details changed: {name}")
        new_key = contact.address.match_key if contact.address else None
        old_key = person.address.match_key if person.address else None
        if new_key != old_key:
            person.address = self._address_for(contact.address)
            person_changed = True
            changes.append(f"contact address changed: {name}")
        if person_changed:
            person.save()
        if (
            relationship.kind != contact.kind
            or relationship.parental_responsibility != contact.parental_responsibility
            or relationship.lives_with_pupil != contact.lives_with_pupil
        ):
            # A change in how someone stands to the child is history: end one row, start another.
            relationship.valid_to = max(self.effective, relationship.valid_from or self.effective)
            relationship.save(update_fields=["valid_to"])
            Relationship.objects.create(
                pupil=relationship.pupil,
                person=person,
                kind=contact.kind,
                parental_responsibility=contact.parental_responsibility,
                lives_with_pupil=contact.lives_with_pupil,
                contact_priority=contact.order,
                relationship_code=contact.relationship_code,
                valid_from=self.effective,
                source=self.source,
            )
            changes.append(f"relationship changed: {name} is now {contact.kind.label.lower()}")
        elif (
            relationship.contact_priority != contact.order
            or relationship.relationship_code != contact.relationship_code
        ):
            relationship.contact_priority = contact.order
            relationship.relationship_code = contact.relationship_code
            relationship.save(update_fields=["contact_priority", "relationship_code"])
            changes.append(f"contact order changed: {name}")
        return changes
