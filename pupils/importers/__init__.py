"""Importers of pupils and contacts from the school's MIS: the Common Transfer File (`ctf`) and
CSV exports (`csv`). Both parse into `records.PupilRecord`s; `apply.import_records` writes them."""
