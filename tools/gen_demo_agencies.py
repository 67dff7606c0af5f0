#!/usr/bin/env python3
"""Builds data/demo/agencies.json (the demo agency tree) from ../shared/data.

Run from the repository root:  python3 tools/gen_demo_agencies.py ../shared/data
The output is committed; motcua itself never reads ../shared. See data/demo/PROVENANCE.md
for what is real, what is inferred, and what is a documented convention.
"""
import csv, json, sys, collections
from pathlib import Path

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
out = Path("data/demo/agencies.json")

NEW_FROM = "2025-07-01"       # Resolution 202/2025/QH15: new provincial governments operate
OLD_TO = "2025-06-30"
OLD_FROM = "1997-01-01"       # convention: re-establishment of Bắc Giang province; see PROVENANCE

def agency(id, name, kind, parent=None, identifier=None, status=None, admin=None,
           valid_from=NEW_FROM, valid_to=None, successors=None, short=None):
    return {
        "id": id, "name": name, "short_name": short, "kind": kind, "parent": parent,
        "identifier": identifier, "identifier_status": status, "admin_unit_code": admin,
        "valid_from": valid_from, "valid_to": valid_to, "successors": successors or [],
        "address": None,
    }

def in_province(name, province):
    """'Sở Tư pháp' -> 'Sở Tư pháp tỉnh Bắc Ninh'; 'Thanh tra tỉnh' -> 'Thanh tra tỉnh Bắc Ninh'."""
    return f"{name} {province}" if name.endswith(" tỉnh") else f"{name} tỉnh {province}"

def succ(to, kind="merged"):
    return {"successor": to, "effective": NEW_FROM, "kind": kind}

agencies = []
# --- The new Bắc Ninh province (code 24 in the statistics lists) -------------------------
agencies.append(agency("bn", "Ủy ban nhân dân tỉnh Bắc Ninh", "provincial_committee",
                       identifier="000.00.00.H06", status="provisional", admin="24",
                       short="UBND tỉnh Bắc Ninh"))
agencies.append(agency("bn.ttpvhcc", "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
                       "service_centre", parent="bn", short="TTPVHCC tỉnh"))
DEPARTMENTS = [  # (id suffix, name) — the provincial specialised agencies after 2025
    ("vp", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("snv", "Sở Nội vụ"), ("stp", "Sở Tư pháp"), ("stc", "Sở Tài chính"),
    ("sct", "Sở Công Thương"), ("snnmt", "Sở Nông nghiệp và Môi trường"),
    ("sxd", "Sở Xây dựng"), ("skhcn", "Sở Khoa học và Công nghệ"),
    ("sgddt", "Sở Giáo dục và Đào tạo"), ("syt", "Sở Y tế"),
    ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch"), ("sdttg", "Sở Dân tộc và Tôn giáo"),
    ("ttr", "Thanh tra tỉnh"),
]
for i, (sfx, name) in enumerate(DEPARTMENTS, start=1):
    agencies.append(agency(f"bn.{sfx}", in_province(name, "Bắc Ninh"), "department", parent="bn",
                           identifier=f"000.00.{i:02d}.H06", status="provisional", short=name))
for sfx, name in [("ca", "Công an tỉnh Bắc Ninh"), ("thue", "Thuế tỉnh Bắc Ninh"),
                  ("bhxh", "Bảo hiểm xã hội tỉnh Bắc Ninh")]:
    agencies.append(agency(f"bn.{sfx}", name, "vertical_agency", parent="bn"))

wards = list(csv.DictReader(open(shared / "dvhc-2026/bac_ninh_24_wards_2026.csv", encoding="utf-8")))
wards.sort(key=lambda w: w["code"])
assert len(wards) == 99, len(wards)
for k, w in enumerate(wards, start=1):
    cid = f"bn.x{w['code']}"
    full = w["full_name"]
    agencies.append(agency(cid, f"Ủy ban nhân dân {full[0].lower() + full[1:]}", "commune_committee",
                           parent="bn", identifier=f"000.{k:02d}.50.H06", status="provisional",
                           admin=w["code"], short=f"UBND {full[0].lower() + full[1:]}"))
    agencies.append(agency(f"{cid}.tt", f"Trung tâm Phục vụ hành chính công {full[0].lower() + full[1:]}",
                           "service_centre", parent=cid))

# --- The former Bắc Ninh province (old statistics code 27), merged into the new one -------
agencies.append(agency("bn27", "Ủy ban nhân dân tỉnh Bắc Ninh (trước sáp nhập)", "provincial_committee",
                       identifier="000.00.00.H06", status="inferred", admin="27",
                       valid_from=OLD_FROM, valid_to=OLD_TO, successors=[succ("bn")]))

# --- The former Bắc Giang province (old code 24) -----------------------------------------
agencies.append(agency("bg", "Ủy ban nhân dân tỉnh Bắc Giang", "provincial_committee",
                       identifier="000.00.00.H03", status="inferred", admin="24",
                       valid_from=OLD_FROM, valid_to=OLD_TO, successors=[succ("bn")]))
agencies.append(agency("bg.ttpvhcc", "Trung tâm Phục vụ hành chính công tỉnh Bắc Giang",
                       "service_centre", parent="bg", valid_from=OLD_FROM, valid_to=OLD_TO,
                       successors=[succ("bn.ttpvhcc")]))
for sfx, name in DEPARTMENTS:
    if sfx in ("sdttg", "vp", "ttr"):
        continue
    agencies.append(agency(f"bg.{sfx}", in_province(name, "Bắc Giang"), "department", parent="bg",
                           valid_from=OLD_FROM, valid_to=OLD_TO, successors=[succ(f"bn.{sfx}")]))

old_wards = list(csv.DictReader(open(shared / "dvhc-pre2025/bac_giang_24_wards_2025-03-01.csv", encoding="utf-8")))
mapping = collections.defaultdict(list)
for r in csv.DictReader(open(shared / "dvhc-2025-official/bac_giang_old_to_new.csv", encoding="utf-8")):
    mapping[r["old_ward_code"]].append(r["new_ward_code"])
new_codes = {w["code"] for w in wards}

districts = {}
for w in old_wards:
    districts.setdefault(w["district_code"], w["district_full_name"])
district_targets = collections.defaultdict(set)
for w in old_wards:
    targets = [t for t in mapping.get(w["ward_code"], []) if t in new_codes]
    district_targets[w["district_code"]].update(targets)
for code, name in sorted(districts.items()):
    agencies.append(agency(f"bg.h{code}", f"Ủy ban nhân dân {name[0].lower() + name[1:]}",
                           "district_committee", parent="bg", admin=code,
                           valid_from=OLD_FROM, valid_to=OLD_TO,
                           successors=[succ(f"bn.x{t}", "transferred") for t in sorted(district_targets[code])]))
missing = 0
for w in old_wards:
    targets = sorted(t for t in mapping.get(w["ward_code"], []) if t in new_codes)
    if not targets:
        missing += 1
    kind = "merged" if len(targets) == 1 else "split"
    full = w["ward_full_name"]
    agencies.append(agency(f"bg.x{w['ward_code']}", f"Ủy ban nhân dân {full[0].lower() + full[1:]}",
                           "commune_committee", parent=f"bg.h{w['district_code']}", admin=w["ward_code"],
                           valid_from=OLD_FROM, valid_to=OLD_TO,
                           successors=[succ(f"bn.x{t}", kind) for t in targets]))

ids = [a["id"] for a in agencies]
assert len(ids) == len(set(ids)), "duplicate ids"
out.parent.mkdir(parents=True, exist_ok=True)
with open(out, "w", encoding="utf-8") as f:
    json.dump(agencies, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"{len(agencies)} agencies written to {out}; {len(districts)} former districts, "
      f"{len(old_wards)} former communes ({missing} without a mapped successor)")
