"""Macro workbooks are refused by every import, whatever the file is called.

The workbook is made here as Excel saves an .xlsm: an ordinary workbook whose
[Content_Types].xml declares the macro-enabled main part and a VBA project, with
xl/vbaProject.bin and its relationship. Each is fed through the browser's upload
(enterprises, members) and the management commands; nothing is saved and the clerk
reads why, in Chinese and in English.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from members.models import Member
from organizations.models import Enterprise
from organizations.tabular.reading import SpreadsheetError, read_table
from tests.members.helpers import HEADERS as MEMBER_HEADERS
from tests.members.helpers import roster_row, workplace
from tests.organizations.test_enterprise_import import as_xlsx, firm_rows

pytestmark = pytest.mark.django_db

MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_RELATIONSHIP = f'<Relationship Id="rIdVba" Type="{VBA_REL}" Target="vbaProject.bin"/>'
# The first bytes of a compound file, as a real vbaProject.bin begins.
VBA_PROJECT = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\0" * 504
    + b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\nEnd Sub\r\n'
)
MESSAGE = "含有宏的工作簿"


def macro_workbook(plain: bytes, *, part: bool = True, content_type: bool = True) -> bytes:
    """plain (an .xlsx) turned into an .xlsm: the VBA part, its content types, its relationship."""
    source = zipfile.ZipFile(io.BytesIO(plain))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_type:
                text = data.decode().replace(PLAIN_MAIN, MACRO_MAIN)
                text = text.replace(
                    "</Types>", f'<Default Extension="bin" ContentType="{VBA_TYPE}"/></Types>'
                )
                data = text.encode()
            if item.filename == "xl/_rels/workbook.xml.rels" and part:
                data = (
                    data.decode().replace("</Relationships>", f"{VBA_RELATIONSHIP}</Relationships>").encode()
                )
            archive.writestr(item.filename, data)
        if part:
            archive.writestr("xl/vbaProject.bin", VBA_PROJECT)
    return buffer.getvalue()


def member_workbook(rows) -> bytes:
    return as_xlsx([[row[h] for h in MEMBER_HEADERS] for row in rows], headers=MEMBER_HEADERS)


@pytest.mark.parametrize(
    ("part", "content_type"),
    [(True, True), (True, False), (False, True)],
    ids=["xlsm", "vba-part", "macro-type"],
)
def test_the_reader_refuses_a_macro_workbook(divisions, part, content_type):
    content = macro_workbook(as_xlsx(firm_rows(1)), part=part, content_type=content_type)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert (MACRO_MAIN in archive.read("[Content_Types].xml").decode()) is content_type
    assert ("xl/vbaProject.bin" in archive.namelist()) is part
    with pytest.raises(SpreadsheetError, match=MESSAGE):
        read_table(io.BytesIO(content))
    # The same workbook without its macros reads.
    assert read_table(io.BytesIO(as_xlsx(firm_rows(1)))).headers[0] == "单位名称"


def test_the_browser_upload_refuses_it_in_both_languages(county, client_for):
    client = client_for(county)
    content = macro_workbook(as_xlsx(firm_rows(3)))
    for name in ("企业.xlsm", "企业.xlsx"):  # the name changes nothing
        page = client.post(
            reverse("directory:enterprise_import"), {"file": SimpleUploadedFile(name, content)}, follow=True
        )
        text = page.content.decode()
        assert MESSAGE in text and "未保存任何数据" in text, name
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with translation.override("en"):
        page = client.post(
            reverse("directory:enterprise_import"),
            {"file": SimpleUploadedFile("firms.xlsm", content)},
            follow=True,
        )
    assert "macro" in page.content.decode().lower()
    assert not Enterprise.objects.exists()


def test_the_member_upload_refuses_it(county, client_for):
    enterprise, union = workplace()
    content = macro_workbook(member_workbook([roster_row(enterprise, union)]))
    client = client_for(county)
    response = client.post(
        reverse("members:member_import"), {"file": SimpleUploadedFile("会员.xlsm", content)}
    )
    page = client.get(response.url) if response.status_code == 302 else response
    assert MESSAGE in page.content.decode()
    assert not Member.objects.exists()


def test_the_commands_refuse_it(county, tmp_path):
    firms = tmp_path / "firms.xlsm"
    firms.write_bytes(macro_workbook(as_xlsx(firm_rows(2))))
    with pytest.raises(CommandError, match=f"{MESSAGE}.*Nothing saved"):
        call_command("import_enterprises", str(firms), "--user", "county")
    enterprise, union = workplace()
    roster = tmp_path / "members.xlsx"
    roster.write_bytes(macro_workbook(member_workbook([roster_row(enterprise, union)]), content_type=False))
    with pytest.raises(CommandError, match=f"{MESSAGE}.*Nothing saved"):
        call_command("import_members", str(roster), "--user", "county")
    assert Enterprise.objects.count() == 1 and not Member.objects.exists()  # only workplace()'s firm
