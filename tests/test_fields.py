"""Every published field is described once in pipeline/fields.py, and only the fields that exist."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pytest

from pipeline import fields as f
from pipeline import output
from pipeline.metadata import _KIND_SLUGS
from pipeline.tables.kinds import KINDS


def test_every_record_field_is_described_and_every_description_names_a_field():
    assert f.check_descriptions() == []


def test_the_check_names_a_field_without_description_and_a_description_without_field():
    @dataclass
    class Row:
        doc_id: str
        amount: int

    res = f.Resource("rows", "行", "Rows", "test", Row,
                     [f.RESOURCES["documents"].field("doc_id"), f.Field("typo", "string", "错", "Typo", "gone")],
                     primary_key=("doc_id",))
    assert f.check_descriptions({"rows": res}) == [
        "rows.amount has no description in pipeline/fields.py",
        "rows.typo is described but Row has no such field",
    ]


def test_the_described_resources_are_the_published_ones_in_order():
    assert list(f.RESOURCES) == list(output.RESOURCES)
    for name, res in f.RESOURCES.items():
        assert res.record is output.RESOURCES[name]
        assert res.field_names == [x.name for x in fields(res.record)]


@pytest.mark.parametrize("name", list(f.RESOURCES))
def test_primary_and_foreign_keys_name_required_fields(name):
    res = f.RESOURCES[name]
    assert res.primary_key and res.primary_key[0] == "doc_id"
    for fk in res.foreign_keys:
        target = f.RESOURCES[fk.resource]
        assert fk.reference == target.primary_key
        # a nullable column in a foreign key would make Frictionless reject (doc_id, NULL)
        assert all(res.field(k).required for k in fk.fields), fk
    if name in f.LOG_RESOURCES:  # a withdrawn document's rows stay in the log: it is no longer in documents
        assert res.foreign_keys == ()
    elif name != "documents":
        assert f.ForeignKey(("doc_id",), "documents", ("doc_id",)) in res.foreign_keys


def test_amounts_are_numbers_in_wan_yuan_and_codes_are_patterned_strings():
    for res in f.RESOURCES.values():
        for x in res.fields:
            if x.name in ("amount", "expected", "actual", "difference"):
                assert (x.type, x.unit, x.unit_words) == ("number", "万元", "万元 (ten thousand yuan)"), res.name
                assert x.heading.endswith("（万元）") and "Unit: 万元 (ten thousand yuan)." in x.full_description
            if x.name in ("function_code", "economic_code"):
                assert (x.type, x.pattern) == ("string", r"^\d{3}(\d{2}){0,2}$")
            assert x.type in ("string", "integer", "number", "boolean")


def test_enums_follow_the_code_that_makes_the_values():
    assert set(f.RESOURCES["budget_tables"].field("kind").enum) == {k.kind for k in KINDS}
    assert set(_KIND_SLUGS) <= set(f.RESOURCES["documents"].field("kind").enum)


def test_a_field_renders_as_a_table_schema_field():
    amount = f.RESOURCES["budget_facts"].field("amount")
    assert amount.table_schema() == {
        "name": "amount",
        "type": "number",
        "title": "金额（万元）",
        "description": "Amount. " + amount.description + " Unit: 万元 (ten thousand yuan).",
        "constraints": {"required": True},
    }
    passed = f.RESOURCES["checks"].field("passed").table_schema()
    assert (passed["trueValues"], passed["falseValues"]) == (["true"], ["false"])
