"""One-off: write data/curation/seed.csv from the seed review. Quotes are located in the seed text by code."""
import csv, re
from pathlib import Path

# The seed review, in ../shared beside the repository (as in CI).
SEED = (Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_3356fcf2dc73591b.txt").read_text()
flat = re.sub(r"\s+", " ", SEED)
refs = {}
for line in SEED.splitlines():
    m = re.match(r"- \[(\d+)\] (.*)", line.strip())
    if m:
        refs[int(m.group(1))] = re.sub(r"<[^>]+>|\*|\$|\\text\{|\}|\{", "", m.group(2)).replace("  ", " ").strip()

def q(snippet):
    s = re.sub(r"\s+", " ", snippet).strip()
    assert s in flat, s
    assert len(s) <= 200, (len(s), s)
    return s

COLS = "record_id,material,dimensionality,spacer,n_layers,strategy,pump_pulse,pump_wavelength_nm,pump_photons,temperature_k,measurement,threshold_value,threshold_unit,year,doi,reference,source,source_locator,source_url,quote,curation_note,exclude_reason".split(",")
rows = []
# DOIs printed on stored pages of the cited papers (data/curation/seed_doi_log.md), by seed reference number.
DOIS = {24: "10.1002/adfm.202315172", 42: "10.1002/adfm.202102375", 102: "10.1039/c8cp02133c",
        16: "10.1021/acsphotonics.7b00520", 113: "10.1002/adma.201604781"}
def add(rid, material, dim, ref, year, value, unit, source, locator, quote, note="", spacer="", n="", strategy="", pulse="", wl="", temp="", meas="ASE", photons="", exclude=""):
    rows.append(dict(record_id=rid, material=material, dimensionality=dim, spacer=spacer, n_layers=n, strategy=strategy,
        pump_pulse=pulse, pump_wavelength_nm=wl, pump_photons=photons, temperature_k=temp, measurement=meas,
        threshold_value=value, threshold_unit=unit, year=year, doi=DOIS.get(ref, ""), reference=f"[{ref}] {refs[ref]}",
        source=source, source_locator=locator, source_url="", quote=q(quote), curation_note=note, exclude_reason=exclude))

T, X = "seed-table", "seed-text"
add("seed-t01", "CsPbBr3", "3D film", 98, 2019, "14.9", "uJ/cm2", T, "Table 1, row 1", "CsPbBr <sub>3</sub> (Quasi-2D) Additive Engineering 14.9 2019 [98]", strategy="additive",
    note="Table 1 labels it quasi-2D; the cited paper [98] is titled 'all-inorganic perovskite films ... additive-assisted solution processing' and Section 3.3 describes compact CsPbX3 films with an octylammonium additive; recorded as 3D film (no layered phase named by the source).")
add("seed-t02", "CsPbBr3", "quasi-2D", 36, 2024, "13.7", "uJ/cm2", T, "Table 1, row 2", "Ligand Engineering 13.7 2024 [36]", spacer="OA", strategy="ligand",
    note="Section 3.5 names the ligand octylammonium (OA) and the films OA-CsPbBr3; n not stated.")
add("seed-t03", "CsPbBr3", "quasi-2D", 60, 2025, "21", "uJ/cm2", T, "Table 1, row 3", "Structural Engineering 21 2025 [60]", strategy="structural",
    note="Section 3.6 gives '21–25 mJ·cm-2'; Table 1 gives 21 in µJ cm-2. Kept µJ: the paper's title claims 'low-threshold' ASE and mJ would put it three decades above every other quasi-2D bromide film here. Value = Table 1 (lower end of the text range). Dion–Jacobson spacer not named: spacer empty.")
add("seed-t04", "CsPbBr3", "nanocrystal", 74, 2025, "0.54", "uJ/cm2", T, "Table 1, row 4; Section 3.5", "from 1.8 μJ·cm<sup>-2</sup> to 0.54 μJ·cm<sup>-2</sup>", strategy="ligand",
    note="CsOAc-2-HA quantum dots (treated sample); Table 1 and Section 3.5 agree.")
add("seed-t05", "CsPbBr3", "nanocrystal", 42, 2021, "37.6", "uJ/cm2", T, "Table 1, row 5", "Structural Engineering 37.6 2021 [42]", strategy="structural",
    note="Value only in Table 1; Section 3.6 (Ag nanowire-coupled CsPbBr3 QDs, plasmonic nanolaser) states no threshold. Kept as ASE as the table labels it.")
add("seed-t06", "CsPbBr3", "nanocrystal", 110, 2025, "54.5", "uJ/cm2", T, "Table 1, row 6; Section 3.7", "enabling a record-low ASE threshold of 54.5 μJ·cm<sup>-2</sup>", strategy="encapsulation", pulse="fs",
    note="CsPbBr3 QDs in glass (ZrO2-modulated network); femtosecond excitation per Section 3.7.")
add("seed-t07", "FAPbBr3", "quasi-2D", 24, 2024, "13.4", "uJ/cm2", T, "Table 1, row 7; Section 3.1", "a low ASE threshold of 13.4  $\\mu\\text{J cm}^{-2}$", strategy="phase",
    note="Section 3.1 attributes 13.4 to 'Zhang et al.' (benzimidazole, ambient conditions) but cites [40]; reference [24] is Zhang et al. 'Quasi-CW ASE in Air-Processed Quasi-2D Perovskite Thin Films' (2024), matching author, air processing and Table 1's [24]. Kept [24].")
add("seed-t08", "FAPbBr3", "quasi-2D", 97, 2024, "16.2", "uJ/cm2", T, "Table 1, row 8; Section 3.2", "a decreased ASE threshold down to 16.2  $\\mu\\text{J cm}^{-2}$", strategy="solvent",
    note="Table 1 and Section 3.2 agree.")
add("seed-t09", "FAPbBr3", "quasi-2D", 39, 2025, "14.69", "uJ/cm2", X, "Section 3.2; Section 4.1.1; Table 1 row 9 rejected", "a lower ASE threshold from 20.75 to 14.69  $\\mu\\text{J cm}^{-2}$", strategy="solvent",
    note="Table 1 row 9 gives 12.9 for [39]; Sections 3.2 and 4.1.1 both give 14.69 for [39] (DIE antisolvent; '29% reduction' = 20.75 -> 14.69). 12.9 is [96]'s value (Table 1 row 10), copied into row 9. Kept 14.69.")
add("seed-t10", "FAPbBr3", "quasi-2D", 96, 2023, "12.9", "uJ/cm2", T, "Table 1, row 10; Section 3.2", "achieving an exceptionally low ASE threshold of 12.9  $\\mu\\text{J cm}^{-2}$  under pulsed optical excitation", strategy="solvent",
    note="DMSO-vapour-assisted crystallisation; pulse regime not stated ('pulsed optical excitation').")
add("seed-t11", "FAPbBr3", "quasi-2D", 68, 2023, "3.4", "uJ/cm2", T, "Table 1, row 11; Section 3.3", "enabling ASE thresholds as low as 3.4 μJ cm<sup>-2</sup>", strategy="additive",
    note="Section 3.3 (Tween 80 additive) cites [66], which is a 2020 sky-blue LED paper; Table 1 cites [68], Zou et al. 2023 'Low-Threshold ASE from Defect-Passivated Quasi-2D Perovskites', matching the year and topic. Kept [68].")
add("seed-t12", "MAPbBr3", "quasi-2D", 1, 2023, "30.1", "uJ/cm2", T, "Table 1, row 12; Section 3.4", "the ASE threshold was reduced from 52.2 to 30.1 μJ cm<sup>-2</sup>", strategy="doping",
    note="Section 3.4 (Tang et al., DJ/RP hybrid) cites [37]; reference [1] is Tang et al. 2023 on DJ and RP hybrid quasi-2D waveguides, as Table 1 says. Kept [1]. Spacers not named: spacer empty.")
add("seed-t13", "MAPbBr3", "quasi-2D", 95, 2021, "19.23", "uJ/cm2", T, "Table 1, row 13; Section 4.2.3", "the lowest ASE threshold ( $19.23 \\mu\\text{J}/\\text{cm}^2$ ) occurred at  $n=3$", n="3", strategy="phase",
    note="Section 3.1 writes '29.91 to 19.23 mJ cm-2'; Section 4.2.3 and Table 1 give µJ. Kept µJ (two of three statements; 19 mJ cm-2 would be far outside quasi-2D bromide ASE). Source formula PBA2(MAPbBr3)n-1PbBr4 at n=3; no source read during curation says which cation PBA is, so the spacer is left empty (not identified) and the material is the cage unit MAPbBr3 with n=3.")
add("seed-t14", "MAPbBr3", "nanocrystal", 45, 2025, "1", "uJ/cm2", T, "Table 1, row 14; Section 3.6", "achieving a remarkably low ASE threshold of ~1 μJ·cm<sup>-2</sup>", strategy="structural",
    note="Table 1 lists FAPbI3 (Quasi-2D); reference [45] and Section 3.6 describe a MAPbBr3–Ni(AcO)2 nanocomposite waveguide with photon recycling between nanocrystals. Recorded as MAPbBr3 nanocrystals; '~1' is approximate.")
add("seed-t15", "FAPbI3", "quasi-2D", 25, 2023, "35.9", "uJ/cm2", T, "Table 1, row 15", "Additive Engineering 35.9 2023 [25]", strategy="additive",
    note="Value only in Table 1; Section 3.3 (18-crown-6 additive, [25], a CW near-infrared lasing paper) states no threshold. Spacer not named.")
add("seed-t16", "MAPbI3", "quasi-2D", 102, 2018, "1.6", "uJ/cm2", T, "Table 1, row 16", "MAPbI <sub>3</sub> (Quasi-2D) Ligand engineering 1.6 2018 [102]", spacer="PEA", strategy="ligand",
    note="Reference [102] is on phenylethylammonium methylammonium lead iodide quasi-2D perovskites: spacer PEA; n not stated. The primary abstract (DOI 10.1039/c8cp02133c, read during curation, see data/curation/q2d_log.md) quotes 'amplified spontaneous emission thresholds as low as 1.6 mu J cm(-2)' as prior work on perovskite thin films, not as this paper's PEA films.",
    exclude="Table 1 attributes to [102] a value its abstract gives as earlier literature on thin films; kept for completeness, out of training.")
add("seed-t17", "MASnI3", "3D film", 37, 2019, "5", "uJ/cm2", X, "Section 3.4; Table 1 row 17", "these Sn-based films showed remarkably low ASE thresholds (as low as 5 μJ cm<sup>-2</sup>)", strategy="doping",
    note="Table 1 lists MASnBr3 (Quasi-2D) for [37]; reference [37] is on wet-cast tin IODIDE perovskite layers and Section 3.4 names CH3NH3SnI3 films (citing [1] by mistake). Recorded MASnI3, 3D film; 'as low as' = lowest reported.")
add("seed-t18", "PEA2(FA0.7Cs0.3)2Pb3Br10", "quasi-2D", 40, 2024, "70", "uJ/cm2", T, "Table 1, row 18", "PEA2(FA0.7Cs0.3)2Pb3Br10 (Quasi-2D) Phase Engineering 70 2024 [40]", spacer="PEA", n="3", strategy="phase", pulse="ns",
    note="Reference [40] title: '... amplified spontaneous emission pumped by nano-second pulsed laser': ns pumping.")
add("seed-t19", "FAPbBr3/CsPbBr3", "nanocrystal", 108, 2021, "447", "nJ/cm2", X, "Section 3.7; Table 1 row 19 (0.447)", "The core–shell structure achieved an ASE threshold as low as 447 nJ·cm<sup>-2</sup>", strategy="encapsulation", pulse="ns",
    note="Core–shell NCs, nanosecond excitation (Section 3.7); Table 1 gives the same value as 0.447 µJ cm-2. The primary abstract (data/curation/nc_log.md) confirms 447 nJ/cm2 under pulsed ns pumping.")
add("seed-t20", "CsPbCl1.5Br1.5", "nanocrystal", 109, 2021, "0.39", "mJ/cm2", X, "Section 3.7; Table 1 row 20 (390)", "tunable ASE thresholds down to 0.39 mJ·cm<sup>-2</sup>", strategy="encapsulation",
    note="Table 1 labels it Quasi-2D; reference [109] and Section 3.7 describe Gd3+-doped CsPbCl1.5Br1.5 nanocrystals in borosilicate glass: recorded as nanocrystal. Gd dopant not in the formula. Table 1's 390 µJ cm-2 equals the text's 0.39 mJ cm-2.")
# text-only values
add("seed-x01", "(PEA)2MA3Pb4Br13", "quasi-2D", 30, 2024, "55.4", "uJ/cm2", X, "Section 3.1; Section 4.2.1", "a dramatic reduction in ASE threshold from 55.4 to 7.8  $\\mu\\text{J cm}^{-2}$", spacer="PEA", n="4",
    note="Control film without adipic acid. Section 3.1 cites [24]; Section 4.2.1 gives the same work as Ref. [30] with the formula (PEA)2MA3Pb4Br13 and the 86% reduction (55.4 -> 7.8); reference [30] (speckle-free imaging, 2024) matches. Kept [30].")
add("seed-x02", "(PEA)2MA3Pb4Br13", "quasi-2D", 30, 2024, "7.8", "uJ/cm2", X, "Section 3.1; Section 4.2.1", "an 86% reduction in ASE threshold ( $7.8 \\mu\\text{J cm}^{-2}$ )", spacer="PEA", n="4", strategy="additive",
    note="Adipic-acid-modified film; see seed-x01 for the reference decision.")
add("seed-x03", "MAPbBr3", "quasi-2D", 95, 2021, "29.91", "uJ/cm2", X, "Section 3.1", "lowered the ASE threshold significantly from 29.91 to 19.23 mJ cm<sup>-2</sup>",
    note="Reference sample of the n series before tuning towards n=3; its n is not stated, so the formula is the cage unit MAPbBr3, n empty; spacer PBA not identified (see seed-t13). Printed unit mJ cm-2 taken as µJ cm-2 (see seed-t13).")
add("seed-x04", "FAPbBr3", "quasi-2D", 39, 2025, "20.75", "uJ/cm2", X, "Section 3.2", "a lower ASE threshold from 20.75 to 14.69  $\\mu\\text{J cm}^{-2}$",
    note="Control film (conventional antisolvent) of the DIE study; composition as Table 1 gives for [39].")
add("seed-x05", "FAPbBr3", "quasi-2D", 96, 2023, "3.8", "W/cm2", X, "Section 3.2", "continuous-wave (CW) ASE at room temperature was realized with a threshold as low as 3.8 W cm<sup>-2</sup>", strategy="solvent", pulse="cw", temp="295",
    note="CW ASE with a microcavity: kept in W cm-2, no µJ value, out of the pulsed target.")
add("seed-x06", "MAPbBr3", "quasi-2D", 1, 2023, "52.2", "uJ/cm2", X, "Section 3.4", "the ASE threshold was reduced from 52.2 to 30.1 μJ cm<sup>-2</sup>",
    note="Reference sample before adjusting the DJ/RP ratio; see seed-t12 for the reference decision.")
add("seed-x07", "CsPbBr3", "nanocrystal", 74, 2025, "1.8", "uJ/cm2", X, "Section 3.5", "from 1.8 μJ·cm<sup>-2</sup> to 0.54 μJ·cm<sup>-2</sup>",
    note="Control QDs before the cesium-precursor/2-HA optimisation.")
add("seed-x08", "CsPbCl2Br1", "nanocrystal", 106, 2021, "1.24", "mJ/cm2", X, "Section 3.7", "The ASE threshold decreased dramatically from 1.24 to 0.19 mJ·cm<sup>-2</sup>", strategy="encapsulation", pulse="fs", wl="800", temp="295", photons="2",
    note="NCs in borosilicate glass crystallised at 440 °C. The primary abstract (read during curation, data/curation/nc_log.md) confirms 1.24 -> 0.19 mJ/cm2 for 440 -> 530 °C under 800 nm fs excitation at room temperature. 800 nm (1.55 eV) is below the gap of this blue emitter, so excitation is at least two-photon: flagged pump_photons=2.")
add("seed-x09", "CsPbCl2Br1", "nanocrystal", 106, 2021, "0.19", "mJ/cm2", X, "Section 3.7", "The ASE threshold decreased dramatically from 1.24 to 0.19 mJ·cm<sup>-2</sup>", strategy="encapsulation", pulse="fs", wl="800", temp="295", photons="2",
    note="NCs in borosilicate glass crystallised at 530 °C; pump conditions and two-photon flag as seed-x08.")
add("seed-x10", "CsPbBr3", "nanocrystal", 16, 2017, "0.39", "uJ/cm2", X, "Section 4.1.2", "CsPbBr<sub>3</sub> QDs that achieved an ultralow lasing threshold of  $0.39 \\mu\\text{J cm}^{-2}$", strategy="structural", meas="lasing",
    note="VCSEL lasing threshold: flagged lasing, out of the ASE target.")
add("seed-x11", "MAPbI3", "3D film", 113, 2017, "7.6", "uJ/cm2", X, "Section 4.1.3", "achieving single-mode operation with a threshold of  $7.6 \\mu\\text{J cm}^{-2}$", strategy="structural", meas="lasing",
    note="Thin-film VCSEL (CH3NH3PbI3 in a GaN-based resonator): lasing, out of the ASE target.")

with open(Path(__file__).with_name("seed.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=COLS)
    w.writeheader()
    w.writerows(rows)
print(len(rows))
