#!/usr/bin/env python3
"""Checks fwscan's SARIF (--format sarif) against the OASIS SARIF 2.1.0 JSON schema and the upload
limits and requirements GitHub code scanning documents, and checks what it says against the JSON
report of the same scan: the rules, the hashes, the byte regions, the functions. Then checks that
the partial fingerprints do not change when the same files are repacked (the diff series' v1 and
v4, tools/gen_diff_series.py).

usage: sarif_check.py FWSCAN SCHEMA CORPUS_DIR OUT_DIR"""
import json
import os
import re
import subprocess
import sys

import jsonschema

URI_REFERENCE = re.compile(r"^[A-Za-z0-9\-._~/@%!$&'()*+,;=]+$")  # relative, no scheme, ASCII only
GITHUB_LIMITS = {"runs": 20, "results": 25000, "rules": 25000, "locations": 1000, "tags": 20}


def scan(fwscan, image, out):
    subprocess.run([fwscan, "scan", image, "-o", out, "--format", "json,sarif"], stdout=subprocess.DEVNULL, check=False)
    with open(os.path.join(out, "report.sarif"), encoding="utf-8") as f:
        sarif = json.load(f)
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    return sarif, report


def check_github(sarif):
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) <= GITHUB_LIMITS["runs"]
    for run in sarif["runs"]:
        driver = run["tool"]["driver"]
        assert driver["name"]
        rules = driver["rules"]
        assert len(rules) <= GITHUB_LIMITS["rules"]
        ids = [r["id"] for r in rules]
        assert len(ids) == len(set(ids)), "rule ids are unique"
        for r in rules:
            assert len(r["shortDescription"]["text"]) <= 1024
            assert len(r["properties"]["tags"]) <= GITHUB_LIMITS["tags"]
            assert 0.0 <= float(r["properties"]["security-severity"]) <= 10.0
        assert len(run["results"]) <= GITHUB_LIMITS["results"]
        for res in run["results"]:
            assert res["message"]["text"]
            assert res["level"] in ("none", "note", "warning", "error")
            assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
            assert res["partialFingerprints"], "fingerprints, so alerts are not duplicated across uploads"
            assert 1 <= len(res["locations"]) <= GITHUB_LIMITS["locations"]
            for loc in res["locations"]:
                art = loc["physicalLocation"]["artifactLocation"]
                assert URI_REFERENCE.match(art["uri"]), art["uri"]
                assert run["artifacts"][art["index"]]["location"]["uri"] == art["uri"]
        for i, a in enumerate(run["artifacts"]):
            assert a.get("parentIndex", -1) < i, "parents come first"


def check_against_report(sarif, report):
    run = sarif["runs"][0]
    results = run["results"]
    assert len(results) == len(report["findings"]) > 0
    by_locator = {n["locator"]: n for n in report["nodes"]}
    for res, f in zip(results, report["findings"]):
        assert res["ruleId"] == f["namespace"] + "/" + f["rule"]
        assert res["properties"]["fileSha256"] == f["node_sha256"] == by_locator[f["locator"]]["sha256"]
        art = run["artifacts"][res["locations"][0]["physicalLocation"]["artifactLocation"]["index"]]
        assert art["hashes"]["sha-256"] == f["node_sha256"] and art["length"] == by_locator[f["locator"]]["size"]
        for loc, s in zip(res["locations"], f["strings"]):
            region = loc["physicalLocation"]["region"]
            assert (region["byteOffset"], region["byteLength"]) == (s["offset"], s["length"])
    # The demo's UTF-16 alarm label is used by face_alarm_name (tools/gen_elf_corpus.py, PLANTED).
    names = {ll["name"] for res in results for loc in res["locations"] for ll in loc.get("logicalLocations", [])
             if "维族人员实时预警" in loc["message"]["text"]}
    assert "face_alarm_name" in names, names


def main():
    fwscan, schema_path, corpus, out = sys.argv[1:5]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema)
    sarif, report = scan(fwscan, os.path.join(corpus, "firmware/hikvision_demo/digicap.dav"), os.path.join(out, "demo"))
    errors = sorted(validator.iter_errors(sarif), key=lambda e: list(e.path))
    for e in errors[:10]:
        print("schema:", list(e.path), e.message)
    assert not errors
    check_github(sarif)
    check_against_report(sarif, report)
    prints = []
    for v in ("v1_labels.dav", "v4_repacked.dav"):
        s, r = scan(fwscan, os.path.join(corpus, "diff_series", v), os.path.join(out, v))
        assert not list(validator.iter_errors(s))
        assert r["inputs"][0]["sha256"] not in [p[0] for p in prints]
        prints.append((r["inputs"][0]["sha256"], sorted(res["partialFingerprints"]["fwscanFindingKey/v1"] for res in s["runs"][0]["results"])))
    assert prints[0][1] == prints[1][1] and prints[0][1], "the same findings, repacked, keep their fingerprints"
    print(f"SARIF valid against {os.path.basename(schema_path)}; GitHub limits met; {len(sarif['runs'][0]['results'])} results "
          f"agree with the JSON report; fingerprints stable across a repack")


if __name__ == "__main__":
    main()
