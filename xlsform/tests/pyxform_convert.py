"""Converts every XLSForm named on the command line with pyxform, in one
process (starting Python per workbook would make the parity test slow).
Run by xlsform/tests/pyxform_parity.rs with the pinned pyxform that
`cargo xtask install` puts in target/pyxform-venv.

Prints the installed pyxform's version first ({"pyxform": "X.Y.Z"}), then
one JSON object per workbook, one per line: {"file", "ok": true, "xform",
"warnings"} or {"file", "ok": false, "error"}.

A workbook is given to pyxform with the type its bytes have (Fieldform reads
by content too): a legacy .xls saved under a .xlsx name is the same form,
and pyxform would otherwise refuse the name, not the form.
"""

import importlib.metadata
import json
import sys
import warnings

from pyxform.xls2xform import convert

# Magic numbers: a zip (xlsx) and an OLE compound file (xls).
SNIFFED = {b"PK\x03\x04": ".xlsx", b"\xd0\xcf\x11\xe0": ".xls"}


def file_type(path: str) -> str | None:
    """The workbook type by content when its name says otherwise, else None."""
    with open(path, "rb") as f:
        sniffed = SNIFFED.get(f.read(4))
    named = "." + path.rsplit(".", 1)[-1].lower()
    if sniffed is None or named == sniffed or (sniffed == ".xlsx" and named == ".xlsm"):
        return None
    return sniffed


def main() -> None:
    # openpyxl's notes on styles it ignores are noise here.
    warnings.filterwarnings("ignore", category=UserWarning)
    print(json.dumps({"pyxform": importlib.metadata.version("pyxform")}), flush=True)
    for path in sys.argv[1:]:
        notes: list[str] = []
        try:
            kind = file_type(path)
            if kind is None:
                result = convert(xlsform=path, warnings=notes, validate=False)
            else:
                with open(path, "rb") as f:
                    data = f.read()
                result = convert(xlsform=data, file_type=kind, warnings=notes, validate=False)
            line = {"file": path, "ok": True, "xform": result.xform, "warnings": notes}
        except Exception as error:  # pyxform refuses with many exception types
            line = {"file": path, "ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
