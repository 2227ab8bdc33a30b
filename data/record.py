"""The record contract: every field of a curated (or lab) record, its type, default, vocabulary and limits, declared
once (DESIGN.md, "Curated record").

Everything else is derived from ``FIELDS``: the CSV columns and their checks (``asepred.data.schema``), the request
models (``asepred.data.request``, served by ``asepred.serving.schemas``), the fields the featurizer reads
(``asepred.features.base``), the columns of a screening candidate (``asepred.screening.grid``), the fields an
evidence entry cites (``asepred.models.evidence``) and the web page's form (``GET /ui/options.json``). Adding a field
is one entry here, plus the descriptor that reads it.

The vocabularies of the chemistry the descriptors know (the common ions of each site, the morphology groups, the
``L`` spacer token) live here too, for the same reason: the featurizer, the evidence distance and the screening
space read one copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Morphologies of the gain medium.
DIMENSIONALITIES = ("nanocrystal", "nanoplatelet", "quasi-2D", "2D", "3D film", "single crystal", "microstructure")
#: Morphologies set by a spacer and n (2D when n = 1, else quasi-2D), not by the bulk form.
LAYERED = ("quasi-2D", "2D")
#: Colloidal morphologies (related for the evidence distance, as the two layered ones are).
COLLOIDAL = ("nanocrystal", "nanoplatelet")
BULK = tuple(d for d in DIMENSIONALITIES if d not in LAYERED)
STRATEGIES = ("phase", "solvent", "additive", "doping", "ligand", "structural", "encapsulation")
PUMP_PULSES = ("fs", "ps", "ns", "cw")
#: Pulse regimes a prediction is for: the model learns pulsed thresholds only.
PULSED = ("fs", "ps", "ns")
MEASUREMENTS = ("ASE", "lasing")
SOURCES = ("seed-table", "seed-text", "literature", "lab")

#: The common ions of each site, in feature order (``site__a_cs`` …); others are pooled as ``other``.
A_IONS = ("Cs", "Rb", "K", "MA", "FA", "EA", "GA")
B_IONS = ("Pb", "Sn", "Ge")
X_IONS = ("Cl", "Br", "I")

#: How a formula names a spacer that the record gives as a SMILES instead of a ligand key: ``L2MA2Pb3I10`` with
#: ``spacer="CCCC[NH3+]"`` (L for ligand, as the literature writes L2PbI4; no element is called L).
SPACER_TOKEN = "L"

#: Physical range for a pulsed ASE/lasing threshold in µJ cm⁻²: 1 nJ cm⁻² to 1 J cm⁻².
UJ_CM2_RANGE = (1e-3, 1e6)
#: The largest reference threshold accepted, µJ cm⁻²: above it is not a pulsed ASE threshold of a perovskite but a
#: unit mistake.
MAX_REFERENCE_UJ_CM2 = 1.0e5
PUMP_WAVELENGTH_RANGE_NM = (200.0, 2500.0)
TEMPERATURE_RANGE_K = (1.0, 500.0)
#: Room temperature, K: what a request means when it states none.
ROOM_TEMPERATURE_K = 295.0

Kind = Literal["text", "choice", "int", "float"]


@dataclass(frozen=True)
class RecordField:
    """One column of a record.

    ``request``: a descriptive field a prediction request (and a reference sample) takes; ``featurized``: read by the
    featurizer; ``required``: a request must give it; ``lab``: a lab's table must give it (a curated table gives every
    column). ``default`` is the request's value when the field is absent; ``request_choices`` narrows ``choices``
    for a request. ``empty`` says what an empty cell means in a table.
    """

    name: str
    kind: Kind
    description: str
    label: str = ""
    choices: tuple[str, ...] = ()
    request_choices: tuple[str, ...] | None = None
    empty: str = ""
    bounds: tuple[float, float] | None = None
    max_length: int | None = None
    request: bool = False
    featurized: bool = False
    required: bool = False
    lab: bool = False
    cited: bool = False
    default: object = None
    examples: tuple[object, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "float")

    @property
    def always_given(self) -> bool:
        """Every valid curated or lab record has a value: a lab table's required columns, and closed vocabularies
        without an empty meaning."""
        return self.lab or (self.kind == "choice" and not self.empty)

    @property
    def allowed(self) -> tuple[str, ...]:
        """The choices a request may name."""
        return self.request_choices if self.request_choices is not None else self.choices


FIELDS: tuple[RecordField, ...] = (
    RecordField("record_id", "text", "Stable unique key of the record.", lab=True, cited=True),
    RecordField(
        "material",
        "text",
        "Formula as the literature writes it; a spacer given as SMILES is written L (L2MA2Pb3I10).",
        label="Formula",
        max_length=200,
        request=True,
        featurized=True,
        required=True,
        lab=True,
        cited=True,
        examples=("CsPbBr3", "PEA2(FA0.7Cs0.3)2Pb3Br10", "CsPbCl1.5Br1.5"),
    ),
    RecordField(
        "dimensionality",
        "choice",
        "Morphology of the gain medium.",
        label="Dimensionality",
        choices=DIMENSIONALITIES,
        request=True,
        featurized=True,
        required=True,
        lab=True,
        cited=True,
        examples=("nanocrystal",),
    ),
    RecordField(
        "spacer",
        "text",
        "Spacer cation: a key of data/ligands.csv (PEA, BA, OA, …) or a SMILES; a spacer written in the formula "
        "counts as given.",
        label="Spacer cation",
        max_length=300,
        request=True,
        featurized=True,
        cited=True,
        examples=("PEA",),
    ),
    RecordField(
        "n_layers",
        "int",
        "Nominal n of a quasi-2D phase: the lead-halide octahedral layers between two spacer layers (n = 1 is pure "
        "2D); empty for 3D materials and nanocrystals.",
        label="n (inorganic layers)",
        bounds=(1, 100),
        request=True,
        featurized=True,
        cited=True,
    ),
    RecordField(
        "strategy",
        "choice",
        "Engineering strategy: what was done to lower the threshold; empty for a control or reference sample.",
        label="Engineering strategy",
        choices=STRATEGIES,
        empty=" (or empty for a control)",
        request=True,
        featurized=True,
        cited=True,
    ),
    RecordField(
        "pump_pulse",
        "choice",
        "Pump pulse regime (pulsed only).",
        label="Pump pulse",
        choices=PUMP_PULSES,
        request_choices=PULSED,
        empty=" (or empty if not stated)",
        request=True,
        featurized=True,
        cited=True,
        default="fs",
    ),
    RecordField(
        "pump_wavelength_nm",
        "float",
        "Pump wavelength, nm.",
        label="Pump wavelength (nm)",
        bounds=PUMP_WAVELENGTH_RANGE_NM,
        request=True,
        featurized=True,
    ),
    RecordField(
        "pump_photons",
        "int",
        "Photons absorbed per excitation (2 for two-photon pumping).",
        bounds=(1, 3),
        featurized=True,
    ),
    RecordField(
        "temperature_k",
        "float",
        "Measurement temperature, K (room temperature = 295).",
        label="Temperature (K)",
        bounds=TEMPERATURE_RANGE_K,
        request=True,
        featurized=True,
        cited=True,
        default=ROOM_TEMPERATURE_K,
    ),
    RecordField("measurement", "choice", "ASE or lasing threshold.", choices=MEASUREMENTS, lab=True, cited=True),
    RecordField("threshold_value", "text", "The threshold exactly as reported.", lab=True),
    RecordField("threshold_unit", "text", "Its unit as reported (uJ/cm2, nJ/cm2, mJ/cm2, W/cm2, …).", lab=True),
    RecordField(
        "threshold_uj_cm2", "float", "The pulsed threshold in µJ cm⁻², computed by code; empty for CW.", cited=True
    ),
    RecordField("year", "int", "Year of publication.", bounds=(1990, 2100), cited=True),
    RecordField("doi", "text", "The publication's DOI, where known."),
    RecordField("reference", "text", "The full citation.", lab=True, cited=True),
    RecordField("source", "choice", "Where the value was read.", choices=SOURCES, cited=True),
    RecordField("source_locator", "text", "Where in the source (Table 1, Section 3.1, abstract, …)."),
    RecordField("source_url", "text", "The page the value was read on (empty for the seed)."),
    RecordField("quote", "text", "The shortest verbatim snippet holding the value.", max_length=200, cited=True),
    RecordField("curation_note", "text", "Conflicts found and how they were resolved."),
    RecordField("exclude_reason", "text", "Keeps the record in the table but out of every training target (say why)."),
)

BY_NAME: dict[str, RecordField] = {f.name: f for f in FIELDS}
#: Columns of a curated table, in order.
COLUMNS = tuple(f.name for f in FIELDS)
#: Columns a lab table must have; the rest are optional there.
LAB_REQUIRED = tuple(f.name for f in FIELDS if f.lab)
#: Fields of a prediction request (and of a reference sample, beside its measured threshold), in order.
REQUEST_FIELDS = tuple(f.name for f in FIELDS if f.request)
#: Fields the featurizer reads, in order.
FEATURIZED_FIELDS = tuple(f.name for f in FIELDS if f.featurized)
NUMERIC_FIELDS = tuple(f.name for f in FIELDS if f.featurized and f.numeric)
#: Fields an evidence entry cites from its record.
CITED_FIELDS = tuple(f.name for f in FIELDS if f.cited)
#: What every answer that shows a record adds beside its fields (``data/records.record_link`` makes it).
LINK_DESCRIPTION = "DOI URL where known, else the page the value was read on."
#: Columns with a closed vocabulary, and what an empty value means.
VOCABULARIES: dict[str, tuple[tuple[str, ...], str]] = {f.name: (f.choices, f.empty) for f in FIELDS if f.choices}
#: Numeric columns with a range: ``(name, (low, high), whole number)``.
RANGES = tuple((f.name, f.bounds, f.kind == "int") for f in FIELDS if f.bounds is not None)
