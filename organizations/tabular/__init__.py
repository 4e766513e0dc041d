"""Spreadsheets in and out, shared by every import and export.

- reading.py: open an uploaded .xlsx or .csv safely (type sniffed from the
  bytes, size and zip-bomb limits, UTF-8 or GB18030) and yield its rows.
- columns.py: the columns of an import template (Chinese header, English key,
  parser) and the row-by-row validation that collects every error.
- writing.py: .xlsx and .csv out, with frozen headers, widths, real dates and
  formula-like cells neutralised; import templates with dropdowns.
"""
