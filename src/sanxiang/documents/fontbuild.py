"""Build the embedded document font (run by a maintainer, not at run time; needs fontTools).

    python -m sanxiang.documents.fontbuild /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc

Takes Noto Serif CJK SC (SIL Open Font License 1.1; Debian's fonts-noto-cjk), keeps the characters
of GB 2312 (6,763 hanzi and its symbols), every character the repository's own texts use (law
texts, templates, rules), common name characters outside GB 2312, ASCII, Latin-1 and CJK
punctuation; converts the cubic CFF outlines to quadratic TrueType outlines (ReportLab embeds
TrueType only); and renames the family, as the OFL asks of modified versions (the upstream
Reserved Font Name is "Source"). The result is written to core/static/fonts/.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
OUT = PACKAGE / "core" / "static" / "fonts" / "SanxiangSerifSC-Regular.ttf"
FAMILY = "Sanxiang Serif SC"

# Characters often found in personal and place names but outside GB 2312 (GBK / 通用规范汉字表).
NAME_EXTRAS = (
    "堃喆昇玥珺祎晔赟彧翀旻琇瑄婳媖婍蕙玹瑢璟瑀玙琬琰璇瑷瑨珏珩珅琤琮瑭璘璠瓅"
    "昀昉昱晞暐曌曦炜烨焘煜熠燊钰铖锴镕镛骞骐骥鹍鹏鹓鸾凇淏泓洺浛涴渟溆漪澍濛"
    "甡甯皓睿砚禛禹秾筠箐篪纮绹缙翙翾聿胤芃芮苒茜荻莘萁菡萱蒨蓥蔚蕤薏蘅虓"
    "赜蹇轩逍邕郄郗钖铧锜锟镠闿阆陉隽雯霁霈靓靖韫頔颀颉飏馥骅鲲鸿麒黉"
    "䶮𬘡𬳵𬀪𫖯𬇹𫟅𫵷𬭎𬊤𬶋𬭚𬭛𬍛𫗧𬸦𬤊"
)


def charset() -> set[str]:
    chars: set[str] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for lo, hi in ((0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x2150, 0x2190), (0x2460, 0x24A0)):
        chars.update(chr(c) for c in range(lo, hi))
    for lo, hi in ((0x3000, 0x3040), (0xFE30, 0xFE50), (0xFF00, 0xFFF0)):
        chars.update(chr(c) for c in range(lo, hi))
    chars.update(NAME_EXTRAS)
    for path in PACKAGE.rglob("*"):
        if path.suffix in {".md", ".yaml", ".html", ".py", ".txt"} and path.is_file():
            chars.update(path.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in chars if c.isprintable() or c == "\u3000"}


def build(source: str, out: Path = OUT) -> Path:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection, TTFont, newTable

    if source.endswith(".ttc"):
        faces = TTCollection(source).fonts
        font = next(f for f in faces if f["name"].getDebugName(4) == "Noto Serif CJK SC")
    else:
        font = TTFont(source)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in charset()])
    subsetter.subset(font)

    glyph_set, order, glyphs = font.getGlyphSet(), font.getGlyphOrder(), {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    renamed = {
        1: FAMILY,
        3: f"{FAMILY} Regular (subset)",
        4: f"{FAMILY} Regular",
        6: "SanxiangSerifSC-Regular",
        16: FAMILY,
    }
    names = font["name"]
    for record in list(names.names):
        if record.nameID in renamed:
            names.setName(
                renamed[record.nameID], record.nameID, record.platformID, record.platEncID, record.langID
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(out)
    return out


if __name__ == "__main__":
    path = build(
        sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
    )
    print(path, path.stat().st_size, "bytes")
