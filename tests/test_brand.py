"""A consultant's brand on the report and the app: read back from real PDFs, refused with a
clear message when wrong, and fetched from its own folder only."""

from __future__ import annotations

import base64
import shutil
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from quicktest.sources.brandfile import load_brand

from .conftest import EXAMPLES, ROOT, app_for, text_of

BRAND = ROOT / "examples" / "brand"
# a 1x1 PNG, the smallest real one
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/eL9GtQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def brand(tmp_path) -> Path:
    target = tmp_path / "brand"
    shutil.copytree(BRAND, target)
    return target


def test_a_branded_report_carries_the_firm_everywhere(cli, tmp_path, brand):
    pdf = tmp_path / "read.pdf"
    result = cli("report", EXAMPLES / "vibe_revenue.yaml", "-o", pdf, "--brand", brand)
    assert result.code == 0, result.err
    text = text_of(pdf)
    assert "Northbeam Advisory" in text and "SaaS revenue pattern read" in text
    assert "Prepared by Mara Lindqvist, Partner" in text and "mara@northbeam.example" in text
    assert "Northbeam" in text  # the logo's own lettering, drawn from the SVG
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    assert all("Northbeam Advisory · Northwind Data" in page for page in pages[1:])
    assert all("prepared for the board by Northbeam Advisory" in page for page in pages[1:])
    assert "quicktest ·" not in " ".join(pages[1:])


def test_a_png_logo_is_drawn(cli, tmp_path, brand):
    (brand / "logo.png").write_bytes(PNG)
    yaml = (brand / "brand.yaml").read_text().replace("logo: logo.svg", "logo: logo.png")
    (brand / "brand.yaml").write_text(yaml)
    pdf = tmp_path / "read.pdf"
    assert cli("report", EXAMPLES / "healthy.yaml", "-o", pdf, "--brand", brand).code == 0
    cover = PdfReader(pdf).pages[0]
    assert len(cover.images) == 1


def test_without_a_brand_the_report_stays_as_it_was(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("QUICKTEST_BRAND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    pdf = tmp_path / "read.pdf"
    assert cli("report", EXAMPLES / "healthy.yaml", "-o", pdf).code == 0
    page = " ".join((PdfReader(pdf).pages[1].extract_text() or "").split())
    assert "quicktest ·" in page and "Confidential · prepared with quicktest" in page


def test_the_brand_comes_from_the_environment_or_the_config_folder(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("QUICKTEST_BRAND", raising=False)
    config = tmp_path / "config"
    shutil.copytree(BRAND, config / "quicktest" / "brand")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    pdf = tmp_path / "read.pdf"
    assert cli("report", EXAMPLES / "healthy.yaml", "-o", pdf).code == 0
    assert "Northbeam Advisory" in text_of(pdf)
    monkeypatch.setenv("QUICKTEST_BRAND", str(tmp_path / "nowhere"))
    result = cli("report", EXAMPLES / "healthy.yaml", "-o", pdf)
    assert result.code == 2 and "no such brand folder" in result.err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('accent: "#0f4c5c"', 'accent: "teal"', "brand.yaml:7:9: accent: expected a colour"),
        ('text: "#1f2933"', 'text: "#12345"', "brand.yaml:8:7: text: expected a colour"),
        ("logo: logo.svg", "logo: ../../secret.svg", "is outside the brand folder"),
        ("logo: logo.svg", "logo: /etc/hostname", "is outside the brand folder"),
        ("logo: logo.svg", "logo: notes.txt", "expected an .svg or .png logo"),
        ("logo: logo.svg", "logo: missing.png", "no file 'missing.png'"),
        ("firm: Northbeam Advisory", "frm: Northbeam Advisory", "did you mean firm?"),
        (
            "logo: logo.svg",
            "logo: logo.svg\ncurrency: euros",
            "brand.yaml:11:11: currency: expected a currency code such as EUR, got 'euros'",
        ),
    ],
)
def test_a_bad_brand_is_refused_before_any_work(cli, tmp_path, brand, old, new, expected):
    path = brand / "brand.yaml"
    path.write_text(path.read_text().replace(old, new))
    pdf = tmp_path / "read.pdf"
    result = cli("report", EXAMPLES / "healthy.yaml", "-o", pdf, "--brand", brand)
    assert result.code == 2 and expected in result.err, result.err
    assert "Traceback" not in result.err and not pdf.exists()


def test_a_broken_or_oversized_logo_is_refused(cli, tmp_path, brand):
    (brand / "logo.svg").write_text("<svg><unclosed></svg>")
    result = cli("report", EXAMPLES / "healthy.yaml", "-o", tmp_path / "r.pdf", "--brand", brand)
    assert result.code == 2 and "not a readable SVG" in result.err
    (brand / "logo.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * 2**20)
    result = cli("report", EXAMPLES / "healthy.yaml", "-o", tmp_path / "r.pdf", "--brand", brand)
    assert result.code == 2 and "a logo must be under 1 MB" in result.err
    (brand / "logo.png").write_text("not a picture")
    path = brand / "brand.yaml"
    path.write_text(path.read_text().replace("logo: logo.svg", "logo: logo.png"))
    result = cli("report", EXAMPLES / "healthy.yaml", "-o", tmp_path / "r.pdf", "--brand", brand)
    assert result.code == 2 and "is not a PNG image" in result.err


def png(width: int, height: int) -> bytes:
    """A real black-and-white PNG of that many pixels (one bit each, so it stays small)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        sealed = kind + body
        return len(body).to_bytes(4, "big") + sealed + zlib.crc32(sealed).to_bytes(4, "big")

    rows = (b"\0" + b"\0" * ((width + 7) // 8)) * height
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "logo", "says"),
    [
        ("logo.png", png(20000, 20000), "'logo.png' is 20000x20000 pixels"),
        ("logo.png", png(120, 4001), "'logo.png' is 120x4001 pixels"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="90"/>',
            "'logo.svg' is 20000x90 pixels",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9000 100"/>',
            "'logo.svg' is 9000x100 pixels",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="30cm" height="50in"/>',
            "'logo.svg' is 1134x4800 pixels",
        ),
    ],
)
def test_a_logo_too_many_pixels_across_is_refused_at_its_line(
    cli, tmp_path, brand, name, logo, says
):
    (brand / name).write_bytes(logo)
    path = brand / "brand.yaml"
    path.write_text(path.read_text().replace("logo: logo.svg", f"logo: {name}"))
    line = path.read_text().splitlines().index(f"logo: {name}") + 1
    result = cli("report", EXAMPLES / "healthy.yaml", "-o", tmp_path / "r.pdf", "--brand", brand)
    assert result.code == 2
    assert (
        f"brand.yaml:{line}:7: logo: {says}; a logo may be at most 4000 pixels a side" in result.err
    )
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize(
    ("name", "logo"),
    [
        ("logo.png", png(4000, 4000)),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="40mm"/>'),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 3000 40"/>',
        ),
    ],
)
def test_a_logo_up_to_the_bound_is_kept(brand, name, logo):
    (brand / name).write_bytes(logo)
    path = brand / "brand.yaml"
    path.write_text(path.read_text().replace("logo: logo.svg", f"logo: {name}"))
    assert load_brand(brand).logo == (brand / name).resolve()


def test_the_renderer_fetches_nothing_outside_the_templates_and_the_brand(tmp_path, brand):
    from quicktest.faces.report.fetcher import AssetsOnlyFetcher
    from quicktest.sources.locations import templates_dir

    fetcher = AssetsOnlyFetcher(Path(templates_dir()), brand)
    assert (
        fetcher.fetch((brand / "logo.svg").as_uri()).body
        if hasattr(fetcher.fetch((brand / "logo.svg").as_uri()), "body")
        else True
    )
    outside = tmp_path / "secret.svg"
    outside.write_text("<svg/>")
    for url in (outside.as_uri(), "https://example.com/logo.svg", (brand / "../x").as_uri()):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


async def test_the_app_header_shows_the_firm(bank, tmp_path):
    from quicktest.domain.brand import Brand
    from quicktest.sources.store import Store

    with Store(tmp_path / "s.db") as store:
        app = app_for(
            bank,
            store,
            brand=Brand(Path("."), "Northbeam Advisory [EU]", None, None, None, None, None, None),
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.title == "Northbeam Advisory [EU]"
            header = app.screen.query_one("HeaderTitle")
            assert "Northbeam Advisory [EU]" in str(header.render())


def test_amounts_carry_the_currency_of_the_option_else_the_brand_else_usd(cli, tmp_path, brand):
    """The product-passive example gives ARR (14M) and employees: its amounts are written
    with the currency's sign, the option's over the brand's, dollars where neither says."""
    example = EXAMPLES / "product_passive_growth.yaml"
    (brand / "brand.yaml").write_text((brand / "brand.yaml").read_text() + "currency: gbp\n")
    found = {}
    for name, extra in (
        ("plain", ()),
        ("brand", ("--brand", brand)),
        ("option", ("--brand", brand, "--currency", "EUR")),
        ("other", ("--currency", "chf")),
    ):
        pdf = tmp_path / f"{name}.pdf"
        assert cli("report", example, "-o", pdf, *extra).code == 0
        found[name] = text_of(pdf)
    assert "Amounts in USD." in found["plain"] and "$" in found["plain"]
    assert "Amounts in GBP." in found["brand"] and "£" in found["brand"]
    assert "Amounts in EUR." in found["option"] and "€" in found["option"]
    assert "Amounts in CHF." in found["other"] and "CHF" in found["other"]
    refused = cli("report", example, "-o", tmp_path / "x.pdf", "--currency", "euro")
    assert refused.code == 2 and "expected a currency code such as EUR" in refused.err
