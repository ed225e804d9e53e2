"""Write the gallery page of the end-to-end screenshots: `python -m tests.e2e.gallery DIR`.

Each scenario folder holds its numbered PNGs and captions.json (written by helpers.Session.shot);
DIR/README.md lists them in order, with their captions, so anyone can see the product without
running it (docs/e2e.md links here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

TITLES = {
    "penalty_case_from_filing_to_publication": "行政处罚普通程序：从登记到公示、核验与案卷导出",
    "simple_procedure_ticket_on_a_phone": "简易程序当场处罚（手机）",
    "seizure_is_refused_until_its_video_is_attached": "查封扣押：没有全程录像不能办结",
    "a_user_of_another_agency_cannot_reach_the_case": "其他机关的用户不能按地址访问案件",
    "pages_pass_the_accessibility_check": "无障碍检查与英文界面",
}


def write(folder: Path) -> Path:
    lines = [
        "# Sanxiang in screenshots",
        "",
        "Every picture is taken by the end-to-end suite (`tests/e2e/`) while it clicks through a scenario",
        "in Chromium against a fresh database; `make gallery` refreshes them. See [../e2e.md](../e2e.md).",
        "",
    ]
    order = list(TITLES)
    scenarios = sorted(
        (p for p in folder.iterdir() if (p / "captions.json").exists()),
        key=lambda p: (order.index(p.name) if p.name in order else len(order), p.name),
    )
    for scenario in scenarios:
        lines += [f"## {TITLES.get(scenario.name, scenario.name)}", ""]
        for shot in json.loads((scenario / "captions.json").read_text(encoding="utf-8")):
            lines += [
                f"**{shot['file'][:2]}.** {shot['caption']} <small>`{shot['url']}`</small>",
                "",
                f"![{shot['caption']}]({scenario.name}/{shot['file']})",
                "",
            ]
    page = folder / "README.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page


if __name__ == "__main__":
    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
