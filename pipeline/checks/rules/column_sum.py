"""Within a row, a total column equals the sum of its part columns (合计 = 基本支出 + 项目支出, …).

The identities are those of the table's own header (tables/columns.py), tested on every printed row.
"""

from __future__ import annotations

from ..base import Ledger, Rule, where


def run(ledger: Ledger) -> None:
    for table_id, identities in ledger.result.column_identities.items():
        for total_path, part_paths in identities:
            for side in sorted({f.side or "" for f in ledger.facts.get(table_id, [])}):
                for row in ledger.rows(table_id, side or None):
                    total = row.get(total_path)
                    parts = [row[p] for p in part_paths if p in row]
                    if total is None or not parts:
                        continue
                    ledger.compare(
                        table_id, total, parts,
                        f"{where(ledger, table_id, total.source_line)} {total.item or '(no label)'}: "
                        f"{total_path} = {' + '.join(part_paths)}",
                    )


RULE = Rule(
    id="column-sum-mismatch",
    title="列合计与分项之和不符 / a total column differs from the sum of its parts",
    identity="in every row: 合计 = sum of the columns it totals (e.g. 合计 = 基本支出 + 项目支出; "
             "小计 = 公务用车购置费 + 公务用车运行维护费; 总计 = 当年财政拨款安排 + 上年结转)",
    severity="error",
    kinds=("all column tables",),
    run=run,
)
