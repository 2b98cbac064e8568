"""Glossary terms that name a classification get its code from the document's own tables, or none."""

from __future__ import annotations


def codes(result):
    return {g.term: g.function_code for g in result.glossary if "（项）" in g.term}


def test_terms_resolve_to_the_codes_the_tables_print(read_sample):
    samr = codes(read_sample("sichuan-samr-data-center-2025"))
    # 公开表 rows 2013808 信息化建设, 2050803 培训支出 (line 256 and 259 of the text)
    assert samr["一般公共服务（类）市场监督管理事务（款）信息化建设（项）"] == "2013808"
    assert samr["教育支出（类）进修及培训（款）培训支出（项）"] == "2050803"
    # the 类 is printed 社会保障和就业支出 in the tables; the 项 name alone decides
    assert samr["社会保障和就业（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）"] == "2080506"


def test_a_term_whose_item_the_tables_do_not_print_keeps_no_code(read_sample):
    gov = codes(read_sample("sichuan-gov-office-it-center-2025"))
    assert gov["一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）"] == "2010350"
    # 行政运行 and 参事事务 have no row in this unit's tables: no code is guessed
    assert gov["一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"] is None
    assert gov["一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）参事事务（项）"] is None
    assert sum(code is not None for code in gov.values()) == 6
