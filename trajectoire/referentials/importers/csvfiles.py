"""Reading the published CSV files strictly, with errors that name file, line and column.

Pure Python (no Django): the search tests and the benchmark reuse it to read the shipped files.
"""

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class ImportFileError(Exception):
    """A malformed input file. The message is French and names the file, the line and the column."""

    def __init__(self, file: str | Path, message: str, *, line: int | None = None, column: str | None = None):
        self.file = Path(file).name
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [f"fichier {self.file}"]
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column is not None:
            where.append(f"colonne {self.column}")
        return f"{', '.join(where)} : {self.message}"


@dataclass(frozen=True)
class Row:
    """One record: `line` is the physical line where it starts (the header is line 1)."""

    line: int
    values: dict[str, str]
    header: tuple[str, ...]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def column_ref(self, column: str) -> str:
        """« code_rome » (n° 3): how an error names a column."""
        return f"{self.header.index(column) + 1} (« {column} »)"


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """The whole file decoded strictly; a decoding error names the line and the column (in bytes)."""
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError) as exc:
        raise ImportFileError(path, f"lecture impossible ({exc.__class__.__name__} : {exc}).") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportFileError(
            path,
            f"encodage invalide : l'octet 0x{data[exc.start]:02x} n'est pas du {encoding.upper()} "
            "(le fichier doit être enregistré en UTF-8).",
            line=line,
            column=f"{column} (octet)",
        ) from None


def read_rows(
    path: Path, required: tuple[str, ...], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Iterator[Row]:
    """Records of a CSV file with a header row, checking that the `required` columns are present and
    that every record has as many fields as the header."""
    text = read_text(path, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = tuple(name.strip() for name in next(reader))
    except StopIteration:
        raise ImportFileError(path, "fichier vide (l'en-tête manque).", line=1) from None
    except csv.Error as exc:
        raise ImportFileError(path, f"en-tête illisible ({exc}).", line=1) from None
    for position, name in enumerate(required):
        if name not in header:
            raise ImportFileError(
                path,
                f"la colonne « {name} » manque dans l'en-tête (colonnes trouvées : {', '.join(header)}).",
                line=1,
                column=f"{min(position + 1, len(header) + 1)} (« {name} » attendue)",
            )
    seen = set()
    for name in header:
        if name in seen:
            raise ImportFileError(path, f"la colonne « {name} » figure deux fois dans l'en-tête.", line=1)
        seen.add(name)
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(path, f"ligne CSV mal formée ({exc}).", line=start) from None
        previous_end = reader.line_num
        if not fields or fields == [""]:
            continue
        if len(fields) != len(header):
            raise ImportFileError(
                path,
                f"{len(fields)} champs au lieu des {len(header)} annoncés par l'en-tête.",
                line=start,
                column=str(min(len(fields), len(header)) + 1),
            )
        yield Row(start, dict(zip(header, fields, strict=True)), header)
