"""Spreadsheet imports of the basic directory (templates as DESIGN gives them)."""

from organizations.importers.enterprises import EnterpriseImporter
from organizations.importers.unions import UnionImporter

__all__ = ["EnterpriseImporter", "UnionImporter"]
