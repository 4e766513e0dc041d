import io

import pytest
from django.core.management import CommandError, call_command

from organizations.models import Area, AreaLevel

HEADER = "code,name_zh,name_en,level,parent_code\n"


def run(tmp_path, text=None):
    args = []
    if text is not None:
        path = tmp_path / "areas.csv"
        path.write_text(text, encoding="utf-8")
        args = [str(path)]
    out = io.StringIO()
    call_command("load_divisions", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_the_bundled_divisions(tmp_path):
    output = run(tmp_path)
    assert "82 created" in output
    assert Area.objects.of_level(AreaLevel.PREFECTURE).count() == 7
    assert Area.objects.of_level(AreaLevel.COUNTY).count() == 74
    assert Area.objects.get(code="540102").parent_id == "540100"


@pytest.mark.django_db
def test_loading_twice_changes_nothing(tmp_path):
    run(tmp_path)
    before = list(Area.objects.values_list("code", "name_zh", "parent_id", "prefix"))
    output = run(tmp_path)
    assert "0 created, 0 updated, 82 unchanged" in output
    assert list(Area.objects.values_list("code", "name_zh", "parent_id", "prefix")) == before


@pytest.mark.django_db
def test_prefixes_select_subtrees(tmp_path):
    run(tmp_path)
    assert Area.objects.get(code="540000").prefix == "54"
    assert Area.objects.get(code="540100").prefix == "5401"
    assert Area.objects.get(code="540102").prefix == "540102"
    assert Area.objects.under("5401").count() == 1 + 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("540199,某县,X,county,549900", "第5行 parent_code：上级 549900 不存在"),
        ("540102,重复区,X,county,540100", "第5行 code：540102 与第4行重复"),
        ("540103,某县,X,prefecture,540000", "第5行 level：代码 540103 不是prefecture级的代码"),
        ("540103,某县,X,township,540100", "第5行 level：township 的代码应为9位"),
        ("540201,某县,X,county,540100", "第5行 parent_code：代码 540201 不在上级 540100 之下"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_nothing_saved(tmp_path, row, message):
    text = HEADER + "540000,西藏自治区,Tibet,region,\n540100,拉萨市,Lhasa,prefecture,540000\n"
    text += "540102,城关区,Chengguan,county,540100\n" + row + "\n"
    with pytest.raises(CommandError) as error:
        run(tmp_path, text)
    assert message in str(error.value)
    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_a_file_without_the_columns_is_refused(tmp_path):
    with pytest.raises(CommandError, match="缺少列"):
        run(tmp_path, "code;name\n540000;西藏\n")
