"""Every rule in docreview.checks.registry.RULES (except DOS011, which needs an MUE table):
at least one note/claim where it fires and one closely related note/claim where it stays quiet.

Each case asserts the rule's presence or absence and the element statuses that
../shared/spec/review-spec.md requires for that note and claim. Every case also checks the
contract's invariants: evidence quotes are exact spans of the note, findings carry their
rule's element and severity, and the verdict follows from the statuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from docreview import review
from docreview.checks.registry import RULES
from docreview.schema import ELEMENTS, Review, Status, Verdict

D, M, INC, NA = Status.documented, Status.missing, Status.inconsistent, Status.not_applicable
UNTESTED = {"DOS011"}  # MUE: needs a CMS MUE table


def claim(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = dict(base)
    out.update(changes)
    return out


# ---------------------------------------------------------------------------------------------
# Notes (written for these tests) and the claims they are billed with
# ---------------------------------------------------------------------------------------------

LEV_ED = (
    "ED note 03/14. 41F hx epilepsy, witnessed GTC seizure x2 today, postictal on arrival.\n"
    "1310 Levetiracetam 1,500 mg in NS 100 mL IVPB over 15 min via L forearm PIV.\n"
    "Three 500 mg/5 mL single-dose vials used in full, no waste.\n"
    "Dx: breakthrough seizure."
)
FERAHEME_OB = (
    "OB IV iron. 28 yo G2P1 @ 29w. Iron deficiency anemia of pregnancy: Hgb 8.4, ferritin 6. Not on dialysis.\n"
    "Feraheme (ferumoxytol) 510 mg/17 mL SDV in 50 mL NS, infused IV via L forearm PIV over 15 min. Entire vial used."
)
FERAHEME_ESRD = {"code": "Q0139", "units": 510, "modifiers": ["JZ"], "icd10": ["O99.013", "D50.9"]}
LEV = {"code": "J1953", "units": 150, "modifiers": ["JZ"], "icd10": ["G40.909"]}

SLEEP_STUDY = "SLEEP STUDY REPORT: moderate obstructive sleep apnea, AHI 22. CPAP titrated to 9 cm H2O. No medications given."
PAH_CONSULT = "PH clinic consult: idiopathic pulmonary arterial hypertension, WHO FC III, mPAP 52 mmHg. Discussed options; no infusion today."
EPOPROSTENOL = {"code": "J1325", "units": 1, "modifiers": ["JZ"], "icd10": ["G47.33"], "setting": "outpatient"}
OND_TABLET = "Clinic: ondansetron 8 mg tablet PO given 30 min before chemo for nausea prevention."
ORAL_OND = {"code": "Q0162", "units": 8, "modifiers": [], "icd10": ["R11.0"], "setting": "office"}

LEV_GIVEN_NO_AMOUNT = (
    "ED note. 41F hx epilepsy, witnessed GTC seizure x2 today.\n"
    "1310 Keppra given IVPB via L forearm PIV for breakthrough seizure.\n"
    "Dx: breakthrough seizure."
)
LEV_GIVEN_1000 = (
    "ED note. 41F hx epilepsy, witnessed GTC seizure x2 today.\n"
    "1310 Keppra 1,000 mg given IVPB via L forearm PIV for breakthrough seizure. Two 500 mg vials, no waste.\n"
    "Dx: breakthrough seizure."
)
LEV_HELD = (
    "ED note. 41F hx epilepsy, one brief seizure at home, now back to baseline.\n"
    "Keppra 1,000 mg IV held per neurology; resume home PO dose.\n"
    "Dx: breakthrough seizure."
)
LEV_HOME_MED = (
    "Urgent care visit. CC: dysuria x2 d.\n"
    "PMH: seizure disorder, stable.\n"
    "Home meds: Keppra 500 mg PO BID (took AM dose).\n"
    "A: acute cystitis. P: nitrofurantoin 100 mg PO BID x5 d."
)
LEV_OBSERVED = (
    "ED note. 41F hx epilepsy, one brief seizure at home, now back to baseline.\n"
    "Observed 4 h, no recurrence. Labs unremarkable.\n"
    "Dx: breakthrough seizure."
)
LEV_OBSERVED_GIVEN = (
    "ED note. 41F hx epilepsy, one brief seizure at home, now back to baseline.\n"
    "Observed 4 h, no recurrence. Labs unremarkable.\n"
    "1310 Levetiracetam 1,000 mg IVPB over 15 min via L forearm PIV. Two 500 mg vials, no waste.\n"
    "Dx: breakthrough seizure."
)
LEV_VOLUME_CONC = (
    "ED note. 41F hx epilepsy, witnessed GTC seizure x2 today.\n"
    "1310 Keppra 500 mg/5 mL, 10 mL in 100 mL NS IVPB over 15 min via L forearm PIV. Two vials, no waste.\n"
    "Dx: breakthrough seizure."
)
# A tier code: one unit when the day's dose lies in the code's tier.
SUBLOCADE_300 = (
    "Addiction medicine visit. Opioid use disorder on buprenorphine, stable.\n"
    "Sublocade 300 mg prefilled syringe injected subcut, L lower abdomen; whole syringe given.\n"
    "Dx: opioid use disorder, moderate (F11.20)."
)
SUBLOCADE = {"code": "Q9992", "units": 1, "modifiers": ["JZ"], "icd10": ["F11.20"], "setting": "office"}

LEV_ROUTE_IN_PLAN = (
    "ED note. 41F hx epilepsy, witnessed GTC seizure x2 today.\n"
    "1310 Keppra 1,000 mg given by RN.\n"
    "Plan: continue Keppra 500 mg IV BID, neuro f/u.\n"
    "Dx: breakthrough seizure."
)
LEV_KNEE_OA = (
    "Office note. 67F with R knee osteoarthritis, chronic pain.\n"
    "Levetiracetam 500 mg IVPB over 15 min via L hand PIV for knee osteoarthritis pain. Single-dose vial, no waste."
)
LEV_SEIZURE_WITH_OA_HISTORY = (
    "ED note. 67F with epilepsy, breakthrough seizure today. PMH: R knee osteoarthritis, HTN.\n"
    "1310 Levetiracetam 1,000 mg IVPB over 15 min via L forearm PIV. Two vials, no waste."
)
LEV_WASTED_200 = (
    "Office infusion note. 30M epilepsy, NPO for procedure tomorrow, unable to take PO Keppra.\n"
    "0930 Levetiracetam 1,300 mg IVPB over 15 min via R AC PIV. Three 500 mg single-dose vials opened, wasted 200 mg.\n"
    "Dx: epilepsy."
)
# A combination billed per mg of one ingredient: the waste aside names each ingredient's amount.
VYXEOS_WASTE = (
    "Leukemia day unit. AML with myelodysplasia-related changes (C92.A1).\n"
    "Vyxeos infused IV over 90 min via port; dose 22 mg dauno / 50 mg cytarabine.\n"
    "Prep: 1 vial reconstituted with 19 mL; 9.5 mL withdrawn.\n"
    "Left: 9.5 mL (22 mg dauno / 50 mg cytarabine) remaining -> discarded.\n"
)
LEV_WASTED_250 = (
    "Office infusion note. 30M epilepsy, NPO for procedure tomorrow, unable to take PO Keppra.\n"
    "0930 Levetiracetam 1,250 mg IVPB over 15 min via R AC PIV. Drawn from three 500 mg single-dose vials; 250 mg wasted.\n"
    "Dx: epilepsy."
)
LEV_DISCARDED_245 = (
    "Infusion note. 30M epilepsy, NPO, unable to take PO Keppra.\n"
    "0930 Levetiracetam 1,255 mg IVPB over 15 min via R AC PIV. Three 500 mg single-dose vials opened; 245 mg discarded.\n"
    "Dx: epilepsy."
)
LEV_VIAL_IMPLIED = (
    "Office infusion note. 30M epilepsy, NPO for procedure tomorrow, unable to take PO Keppra.\n"
    "0930 Levetiracetam 300 mg IVPB over 15 min via R AC PIV from a 500 mg single-dose vial.\n"
    "Dx: epilepsy."
)
LEV_VIAL_STATED = (
    "Office infusion note. 30M epilepsy, NPO for procedure tomorrow, unable to take PO Keppra.\n"
    "0930 Levetiracetam 300 mg IVPB over 15 min via R AC PIV from a 500 mg single-dose vial; 200 mg wasted.\n"
    "Dx: epilepsy."
)

LEV_LOAD_AND_SECOND_DOSE = (
    "ED note. 41F status epilepticus.\n"
    "0220 Levetiracetam 2,000 mg IV load over 15 min via R AC PIV.\n"
    "1400 second dose: levetiracetam 500 mg IV via R AC PIV.\n"
    "All vials used, no waste.\n"
    "Dx: status epilepticus."
)
LEV_LOAD_AND_MAINTENANCE = (
    "ED note. 41F status epilepticus.\n"
    "0220 Levetiracetam 2,000 mg IV load over 15 min via R AC PIV.\n"
    "1400 Levetiracetam 500 mg IV maintenance dose via R AC PIV.\n"
    "All vials used, no waste.\n"
    "Dx: status epilepticus."
)

OND_SILENT = (
    "Urgent care. 24F nausea and vomiting x6 today, unable to keep fluids down.\n"
    "Ondansetron 4 mg IV push via L AC PIV at 1405.\n"
    "Dx: nausea with vomiting."
)
OND_FULL_VIAL = (
    "Urgent care. 24F nausea and vomiting x6 today, unable to keep fluids down.\n"
    "Ondansetron 4 mg IV push via L AC PIV at 1405. 4 mg/2 mL single-dose vial, entire vial given.\n"
    "Dx: nausea with vomiting."
)
OND_ENTIRE_ADMINISTERED = (
    "Urgent care. 24F nausea and vomiting x6 today.\n"
    "Ondansetron 4 mg IV push via L AC PIV at 1405. 4 mg/2 mL single-dose vial, entire vial administered.\n"
    "Dx: nausea with vomiting."
)
OND_NO_ROUTE = (
    "Urgent care. 24F nausea and vomiting x6 today, unable to keep fluids down.\n"
    "Ondansetron 4 mg given by RN at 1405. 4 mg/2 mL single-dose vial, entire vial given.\n"
    "Dx: nausea with vomiting."
)
OND_DELTOID = (
    "Urgent care. 24F nausea and vomiting x6 today, unable to keep fluids down.\n"
    "Ondansetron 4 mg injected into the left deltoid at 1405. 4 mg/2 mL single-dose vial, entire vial given.\n"
    "Dx: nausea with vomiting."
)
OND_ODT = (
    "ED note. 29M nausea and vomiting x1 day after bad takeout.\n"
    "0910 Zofran ODT 4 mg PO given.\n"
    "Dx: nausea with vomiting."
)
OND_GASTRO = (
    "ED note. 29M nausea and vomiting x1 day after bad takeout.\n"
    "0910 Ondansetron 4 mg IV push via R AC PIV. Single-dose vial, no waste.\n"
    "Dx: gastroenteritis."
)
OND_MDV = (
    "Urgent care. 24F nausea and vomiting x6 today, unable to keep fluids down.\n"
    "Ondansetron 4 mg IV push via L AC PIV, drawn from 40 mg/20 mL multi-dose vial.\n"
    "Dx: nausea with vomiting."
)
OND_HALF_VIAL = (
    "Urgent care. 70F nausea, frail, small dose chosen.\n"
    "Ondansetron 2 mg IV push via L AC PIV at 1405. 4 mg/2 mL single-dose vial, 2 mg wasted.\n"
    "Dx: nausea."
)
OND_REPEAT = (
    "ED note. 24F nausea and vomiting x6 today.\n"
    "0900 Ondansetron 4 mg IV push via L AC PIV.\n"
    "1300 still vomiting, repeat ondansetron 4 mg IV push.\n"
    "Two 4 mg/2 mL single-dose vials, no waste.\n"
    "Dx: nausea with vomiting."
)
OND_PRN_NOT_GIVEN = (
    "Obs progress note: mild nausea earlier, no emesis, tolerating clears.\n"
    "Plan: may give Zofran 4 mg IV q6h PRN nausea.\n"
    "MAR: no PRN antiemetics given this shift."
)
OND_PONV = (
    "Anesthesia record: lap appendectomy under GA.\n"
    "Ondansetron 4 mg IV at 0955 for PONV prophylaxis. 4 mg/2 mL single-dose vial, entire vial given."
)
OND = {"code": "J2405", "units": 4, "modifiers": ["JZ"], "icd10": ["R11.2"]}

DEPO_ASTHMA_IM = (
    "Clinic. Asthma flare, moderate persistent, wheeze bilaterally, PEF 60%.\n"
    "Depo-Medrol 80 mg IM L gluteal given. 80 mg/mL 1 mL single-dose vial, entire vial used.\n"
    "Refilled albuterol."
)
DEPO_RHINITIS_IM = (
    "Office visit. 52M seasonal allergic rhinitis, failed nasal steroid.\n"
    "Depo-Medrol 80 mg IM R gluteal given. 80 mg/mL 1 mL single-dose vial, entire vial used."
)
DEPO_RHINITIS_IV = (
    "Office visit. 52M seasonal allergic rhinitis, failed nasal steroid.\n"
    "Depo-Medrol 80 mg IV push given. 80 mg/mL 1 mL single-dose vial, entire vial used."
)
DEPO_EPIDURAL = (
    "Pain clinic procedure note. L5-S1 interlaminar epidural steroid injection under fluoroscopy for "
    "L lumbar radiculopathy, failed 8 wks PT.\n"
    "Depo-Medrol 80 mg epidural with 4 mL preservative-free NS. 80 mg/mL single-dose vial, entire vial used."
)
DEPO_J1040 = {"code": "J1040", "units": 1, "modifiers": ["JZ"], "icd10": ["J30.2"]}

MPA_KNEE_40 = (
    "Ortho clinic. L knee OA flare with effusion, failed NSAIDs.\n"
    "Depo-Medrol 40 mg + 3 mL 1% lidocaine injected intra-articular L knee. 40 mg/mL single-dose vial, whole vial used.\n"
    "Dx: primary OA L knee."
)
MPA_KNEE_IMPLIED = (
    "Procedure note: R knee intra-articular injection.\n"
    "Indication: R knee osteoarthritis, failed NSAIDs.\n"
    "Injected methylprednisolone acetate 40 mg + 3 mL 1% lidocaine into the R knee. "
    "40 mg/mL single-dose vial, whole vial used, no waste."
)
DEPO_GOUT_30_DISCARDED = (
    "Office visit. 58M acute gout flare R knee, NSAIDs contraindicated (CKD).\n"
    "Depo-Medrol 50 mg IM R gluteal. 80 mg/mL single-dose vial, 30 mg discarded.\n"
    "Dx: gout flare R knee."
)
DEPO_GOUT_MDV = (
    "Office visit. 58M acute gout flare R knee, NSAIDs contraindicated (CKD).\n"
    "Depo-Medrol 80 mg IM R gluteal from a 40 mg/mL 5 mL multiple-dose vial.\n"
    "Dx: gout flare R knee."
)

SOLU_80 = (
    "Urgent care. 38F asthma exacerbation, diffuse wheeze, PEF 55%.\n"
    "Solu-Medrol 80 mg IV push at 1015 via R hand PIV. Two 40 mg single-dose vials, no waste.\n"
    "Dx: moderate persistent asthma with exacerbation."
)
SOLU_AECOPD = (
    "ED - shortness of breath. 71M increased SOB and sputum x3 d, diffuse wheeze.\n"
    "Solu-Medrol 125 mg IV push 1040 via R AC PIV. 125 mg Act-O-Vial, entire vial used.\n"
    "{header} AECOPD."
)
SOLU_1G = (
    "Infusion center. 34F MS relapse, new L optic neuritis.\n"
    "Solu-Medrol 1 g IV over 60 min via L AC PIV, day 1 of 3. 1 g single-dose vial, entire vial used."
)

VANC_NO_WEIGHT = (
    "ED note. 63M fever, RLE cellulitis spreading despite PO cephalexin, hx MRSA.\n"
    "1420 Vancomycin 15 mg/kg IV over 60 min via L AC PIV.\n"
    "Dx: cellulitis of RLE, MRSA history."
)
VANC_WEIGHT = (
    "ED note. 63M fever, RLE cellulitis spreading despite PO cephalexin, hx MRSA. Wt 80 kg.\n"
    "1420 Vancomycin 15 mg/kg IV over 60 min via L AC PIV.\n"
    "Dx: cellulitis of RLE, MRSA history."
)
VANC_VOLUME = (
    "ED note. 63M fever, RLE cellulitis spreading despite PO cephalexin, hx MRSA.\n"
    "1420 Vancomycin 250 mL IV over 60 min via L AC PIV.\n"
    "Dx: cellulitis of RLE, MRSA history."
)
VANC = {"code": "J3370", "units": 3, "modifiers": ["JZ"], "icd10": ["L03.115"]}

PRIVIGEN_IV = (
    "Infusion center. 45F CVID, recurrent sinopulmonary infections.\n"
    "Privigen 30 g IV infused via L AC PIV over 3 h. Entire vials used, no waste.\n"
    "Tolerated well."
)
IVIG_CLASS_ONLY = (
    "Infusion center. 45F CVID, recurrent sinopulmonary infections.\n"
    "IVIG 30 g IV infused via L AC PIV over 3 h. Entire vials used, no waste.\n"
    "Tolerated well."
)
PRIVIGEN_PORT = (
    "Infusion center. 45F CVID, recurrent sinopulmonary infections.\n"
    "Privigen 30 g infused via R chest port over 3 h. Entire vials used, no waste."
)
PRIVIGEN_NO_ROUTE = (
    "Infusion center. 45F CVID, monthly replacement.\n"
    "Privigen (IVIG) 30 g given today, lot P5678Y. Entire vials used, no waste."
)
PRIVIGEN_STOPPED_ORDER = (
    "Infusion center. 45F CVID on monthly IgG replacement.\n"
    "Privigen 30 g IV ordered. 1000 infusion started via L AC PIV.\n"
    "1215 rigors, infusion stopped after 25 g infused; remaining 5 g discarded."
)
PRIVIGEN_STOPPED = (
    "Infusion center. 45F CVID on monthly IgG replacement.\n"
    "Privigen 30 g IV via L AC PIV started 1000.\n"
    "1215 rigors, infusion stopped; 25 g infused, remaining 5 g discarded."
)
PRIVIGEN_STOPPED_VOLUME_FIRST = (
    "Infusion center. 45F CVID on monthly IgG replacement.\n"
    "Privigen 30 g IV ordered. 1000 infusion started via L AC PIV.\n"
    "1215 rigors, infusion stopped after 25 g infused; remaining 50 mL (5 g) discarded."
)
PRIVIGEN = {"code": "J1459", "units": 60, "modifiers": ["JZ"], "icd10": ["D83.9"]}
# Drips: the bag is not the dose; the infused total (stated without the drug's name) is.
DOBUTAMINE_PUMP_TOTAL = (
    "Heart failure infusion clinic. Dx: chronic systolic HF, EF 20%.\n"
    "Wt 75 kg. Dobutamine 250 mg/250 mL premixed bag.\n"
    "0830 started at 2.5 mcg/kg/min via L arm PICC, stopped 1430.\n"
    "Pump total: 67.5 mL = 67.5 mg. Bag remainder wasted, witnessed."
)
DOBUTAMINE_RATE_ONLY = (
    "CCU note. Cardiogenic shock after anterior MI.\n"
    "Dobutamine 1,000 mg/250 mL drip at 5 mcg/kg/min, wt 80 kg, titrate to CI > 2.2."
)
# The drip line carries the route; the I&O line (naming the drug) carries the amount infused.
DOBUTAMINE_DRIP_AND_IO = (
    "CCU FLOWSHEET 06/02   Wt 80 kg   INPATIENT\n"
    "Drip: dobutamine 250 mg/250 mL premix (1 mg/mL) via L IJ CVC\n"
    "Time | Dose mcg/kg/min | Rate mL/hr | RN\n"
    "0000 | 2.5 | 12 | AB\n"
    "1000 | 5 | 24 | CT\n"
    "I&O 24-h summary: dobutamine 360 mL\n"
    "Cards: cardiogenic shock, continue inotrope."
)
DOBUTAMINE = {"code": "J1250", "units": 1, "modifiers": ["JW"], "waste_units": 0, "icd10": ["I50.22"]}
VANC_PIGGYBACK = (
    "Infusion clinic. Dx: cellulitis of the right foot on outpatient IV therapy.\n"
    "Vancomycin 1,500 mg/300 mL bag hung 1000 via PICC at 150 mL/h, completed 1200. No waste."
)
# The class name in the header, the product actually given on its own line (another brand, with
# the billed brand in an aside), the route two lines below a needle-gauge line.
IVIG_OTHER_BRAND = (
    "IVIG INFUSION RECORD 06/02\n"
    "Dx: CVID, monthly IgG replacement.\n"
    "Product: Octagam 10% (pharmacy substitution; Privigen on backorder), 25 g = 2.5 x 10 g vials.\n"
    "1000 PIV 22g L hand.\n"
    "1010-1310 infused IV per titration protocol. All vials used, no waste."
)

SEIZALAM_IM = (
    "ED - seizure. 0642 pt actively seizing >5 min, known epilepsy, no IV access.\n"
    "Seizalam 10 mg IM R vastus lateralis at 0644.\n"
    "Sz stopped 0648. Dx: status epilepticus."
)
SEIZALAM_IV = (
    "ED - seizure. 0642 pt actively seizing >5 min, known epilepsy.\n"
    "Seizalam 10 mg IV push via R AC PIV at 0644.\n"
    "Sz stopped 0648. Dx: status epilepticus."
)
MIDAZOLAM_GENERIC_IM = (
    "ED - seizure. 0642 pt actively seizing >5 min, known epilepsy, no IV access.\n"
    "Midazolam 10 mg IM R deltoid given - generic midazolam HCl 5 mg/mL from Pyxis.\n"
    "Sz stopped 0646. Dx: status epilepticus."
)
SEIZALAM = {"code": "J2253", "units": 10, "modifiers": [], "icd10": ["G40.901"]}

RANIBIZUMAB_IVT = (
    "Retina clinic. 78F neovascular AMD OD, new subretinal fluid on OCT.\n"
    "Ranibizumab 0.5 mg intravitreal injection OD after povidone-iodine prep. Single-dose vial, no waste."
)
RANIBIZUMAB_IM = (
    "Retina clinic. 78F neovascular AMD OD, new subretinal fluid on OCT.\n"
    "Ranibizumab 0.5 mg IM L deltoid. Single-dose vial, no waste."
)
RANIBIZUMAB = {"code": "J2778", "units": 5, "modifiers": ["JZ"], "icd10": ["H35.3211"]}

KETOROLAC_NO_REASON = (
    "Office visit f/u.\n"
    "Ketorolac 30 mg IM L deltoid given at 1100. Single-dose vial, no waste.\n"
    "RTC 2 wks."
)
KETOROLAC_BACK_PAIN = (
    "Office visit. Acute low back pain after lifting, no red flags.\n"
    "Ketorolac 30 mg IM L deltoid given at 1100 for back pain. Single-dose vial, no waste.\n"
    "RTC 2 wks."
)
KETOROLAC_AT_CLOSURE = (
    "Op note: laparoscopic cholecystectomy for symptomatic cholelithiasis, uncomplicated.\n"
    "At closure, ketorolac 30 mg IV given by anesthesia. Single-dose vial, no waste."
)
TORADOL_DECLINED = (
    "ED: L renal colic, 6 mm stone on CT.\n"
    "Offered Toradol 30 mg IV; pt declined (hx GI bleed on NSAIDs).\n"
    "Morphine 4 mg IV given 0330 with relief."
)
KETOROLAC = {"code": "J1885", "units": 2, "modifiers": ["JZ"], "icd10": ["M54.50"]}

KETOROLAC_ALLERGY_ONLY = (
    "CHIEF COMPLAINT: Low back pain after lifting a box.\n"
    "ALLERGIES: Toradol (hives), codeine.\n"
    "ED COURSE: Acetaminophen 1 g p.o. given at 14:10 with some relief. Lidoderm patch applied.\n"
    "IMPRESSION: Acute lumbar strain."
)

CEFTRIAXONE_ADMITTED = (
    "Hospital day 2, admitted to medicine for community-acquired pneumonia.\n"
    "0800 Ceftriaxone 1 g IVPB via R forearm PIV.\n"
    "Dx: community-acquired pneumonia."
)
CEFTRIAXONE_GC = (
    "Clinic. 19M urethral discharge, GC exposure.\n"
    "Ceftriaxone 500 mg IM R gluteal given at 1030. 1 g vial, 500 mg wasted.\n"
    "Dx: gonorrhea exposure."
)
CEFTRIAXONE_VIAL_EQUALS_DOSE = (
    "Clinic. 19M urethral discharge, GC exposure.\n"
    "Ceftriaxone 500 mg IM R gluteal given at 1030 from a 500 mg single-dose vial.\n"
    "Dx: gonorrhea exposure."
)
CEFTRIAXONE = {"code": "J0696", "units": 2, "icd10": ["A54.00"]}
# A brand spelled as it sounds ("Rocefin" for Rocephin).
ROCEPHIN_AS_IT_SOUNDS = (
    "Clinic. 19M urethral discharge, GC exposure.\n"
    "Rocefin 500 mg IM R gluteal given 1030, 500 mg vial, all given.\n"
    "Dx: gonorrhea exposure."
)
# The drug line names the vial; the dose line below it (no drug name) says what was given.
DEX_DRUG_THEN_DOSE_LINE = (
    "PEDS URGENT CARE. 4 yo F, croup, barky cough. Wt 18 kg.\n"
    "MED ADMIN\n"
    " Drug: dexamethasone sodium phosphate 10 mg/mL (1 mL single-dose vial)\n"
    " Dose: 0.5 mg/kg = 9 mg (0.9 mL) IM R thigh @ 0915\n"
    " Waste: 0.1 mL (1 mg) discarded.\n"
    "Dx: croup."
)

HEMGENIX = (
    "HTC visit. 35M hemophilia B, factor IX prophylaxis.\n"
    "Hemgenix infused IV via L AC PIV over 1 h, full dose per weight.\n"
    "Tolerated."
)


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    fires: bool
    note: str
    claim: dict[str, Any]
    expect: dict[str, Status]  # statuses the spec requires for this note and claim
    mentions: tuple[str, ...] = ()  # text the firing finding's message/suggestion must contain
    xfail: str | None = None  # one-line engine gap, when the engine does not meet the spec yet
    extra: dict[str, Any] = field(default_factory=dict)


CASES: list[Case] = [
    # --- DOS001 units mismatch -----------------------------------------------------------
    Case("dos001-lev-billed-100", "DOS001", True, LEV_ED, claim(LEV, units=100), {"dosage": INC}, ("150",)),
    Case("dos001-lev-billed-150", "DOS001", False, LEV_ED, LEV, {"dosage": D}),
    Case("dos001-brand-spelled-as-it-sounds", "DOS001", False, ROCEPHIN_AS_IT_SOUNDS, CEFTRIAXONE, {"dosage": D, "route": D}),
    Case("dos001-dose-line-under-the-vial-line", "DOS001", False, DEX_DRUG_THEN_DOSE_LINE,
         {"code": "J1100", "units": 9, "modifiers": ["JW"], "waste_units": 1, "icd10": ["J05.0"]}, {"dosage": D, "wastage": D}),
    Case("dos001-drip-pump-total-is-the-dose", "DOS001", False, DOBUTAMINE_PUMP_TOTAL, DOBUTAMINE, {"dosage": D}),
    Case("dos001-drip-bag-billed", "DOS001", True, DOBUTAMINE_PUMP_TOTAL, claim(DOBUTAMINE, units=2), {"dosage": INC}, ("67.5",)),
    Case("dos001-drip-io-total-route-from-the-drip-line", "DOS001", False, DOBUTAMINE_DRIP_AND_IO,
         claim(DOBUTAMINE, units=2, modifiers=[], icd10=["R57.0"], setting="inpatient"), {"dosage": D, "route": D}),
    Case("dos001-piggyback-bag-is-the-dose", "DOS001", False, VANC_PIGGYBACK, claim(VANC, icd10=["L03.115"]), {"dosage": D}),
    Case("dos001-repeat-doses-billed-once", "DOS001", True, OND_REPEAT, OND, {"dosage": INC}, ("8",)),
    Case("dos001-repeat-doses-summed", "DOS001", False, OND_REPEAT, claim(OND, units=8), {"dosage": D}),
    Case("dos001-up-to-code-1g-billed-1", "DOS001", True, SOLU_1G,
         {"code": "J2930", "units": 1, "modifiers": ["JZ"], "icd10": ["H46.9"]}, {"dosage": INC}, ("8",)),
    Case("dos001-up-to-code-1g-billed-8", "DOS001", False, SOLU_1G,
         {"code": "J2930", "units": 8, "modifiers": ["JZ"], "icd10": ["H46.9"]}, {"dosage": D}),
    Case("dos001-load-plus-second-dose-summed", "DOS001", False, LEV_LOAD_AND_SECOND_DOSE,
         claim(LEV, units=250, icd10=["G40.901"]), {"dosage": D}),
    Case("dos001-load-plus-maintenance-dose-summed", "DOS001", False, LEV_LOAD_AND_MAINTENANCE,
         claim(LEV, units=250, icd10=["G40.901"]), {"dosage": D}),
    Case("dos001-stopped-infusion-amount-infused", "DOS001", False, PRIVIGEN_STOPPED_ORDER,
         claim(PRIVIGEN, units=50, modifiers=["JW"], waste_units=10), {"dosage": D, "wastage": D}),
    Case("dos001-stopped-infusion-amount-infused-not-planned", "DOS001", False, PRIVIGEN_STOPPED,
         claim(PRIVIGEN, units=50, modifiers=["JW"], waste_units=10), {"dosage": D}),
    # --- DOS002 drug given without an amount ------------------------------------------------
    Case("dos002-keppra-given-no-mg", "DOS002", True, LEV_GIVEN_NO_AMOUNT, claim(LEV, units=100), {"dosage": M}),
    Case("dos002-keppra-given-1000-mg", "DOS002", False, LEV_GIVEN_1000, claim(LEV, units=100), {"dosage": D}),
    # --- DOS003 billed drug not given (edge case 2: dosage and route missing) ----------------
    Case("dos003-keppra-held", "DOS003", True, LEV_HELD, claim(LEV, units=100), {"dosage": M, "route": M}),
    Case("dos003-keppra-home-med-only", "DOS003", True, LEV_HOME_MED, claim(LEV, units=50), {"dosage": M, "route": M}),
    Case("dos003-zofran-prn-not-given", "DOS003", True, OND_PRN_NOT_GIVEN, claim(OND, icd10=["R11.0"]), {"dosage": M, "route": M}),
    Case("dos003-toradol-declined", "DOS003", True, TORADOL_DECLINED, claim(KETOROLAC, icd10=["N23"]), {"dosage": M, "route": M}),
    Case("dos003-keppra-given", "DOS003", False, LEV_GIVEN_1000, claim(LEV, units=100), {"dosage": D, "route": D}),
    # --- DOS004 billed drug never named -------------------------------------------------------
    Case("dos004-no-drug-in-note", "DOS004", True, LEV_OBSERVED, claim(LEV, units=100), {"dosage": M, "route": M}),
    Case("dos004-drug-in-note", "DOS004", False, LEV_OBSERVED_GIVEN, claim(LEV, units=100), {"dosage": D}),
    # --- DOS005 another drug/formulation (edge case 1: finding names the right code and units) --
    Case("dos005-ondansetron-under-j1953", "DOS005", True, OND_GASTRO, claim(LEV, units=100), {"dosage": INC},
         ("J2405", "x 4")),
    Case("dos005-depo-medrol-under-j2930", "DOS005", True, DEPO_ASTHMA_IM,
         {"code": "J2930", "units": 1, "modifiers": ["JZ"], "icd10": ["J45.41"]},
         {"dosage": INC, "route": D, "indication": D}, ("J1040", "x 1")),
    Case("dos005-generic-midazolam-under-seizalam", "DOS005", True, MIDAZOLAM_GENERIC_IM, SEIZALAM,
         {"dosage": INC, "route": D, "wastage": NA}, ("J2250", "x 10")),
    Case("dos005-other-ivig-brand-under-privigen", "DOS005", True, IVIG_OTHER_BRAND, claim(PRIVIGEN, units=50),
         {"dosage": INC, "route": D, "indication": D}, ("Octagam", "J1568", "x 50")),
    Case("dos005-depo-medrol-under-j1040", "DOS005", False, DEPO_ASTHMA_IM, claim(DEPO_J1040, icd10=["J45.41"]), {"dosage": D}),
    Case("dos005-ondansetron-under-j2405", "DOS005", False, OND_GASTRO, OND, {"dosage": D}),
    Case("dos005-seizalam-under-j2253", "DOS005", False, SEIZALAM_IM, SEIZALAM, {"dosage": D}),
    # --- DOS006 amount cannot be converted (edge case 4: dosage missing) ----------------------
    Case("dos006-vanc-per-kg-no-weight", "DOS006", True, VANC_NO_WEIGHT, VANC, {"dosage": M}, ("weight",)),
    Case("dos006-vanc-volume-no-concentration", "DOS006", True, VANC_VOLUME, VANC, {"dosage": M}, ("concentration",)),
    Case("dos006-drip-rate-and-bag-only", "DOS006", True, DOBUTAMINE_RATE_ONLY,
         claim(DOBUTAMINE, units=4, modifiers=[], setting="inpatient"), {"dosage": M}, ("amount infused",)),
    Case("dos006-vanc-per-kg-with-weight", "DOS006", False, VANC_WEIGHT, VANC, {"dosage": D}),
    Case("dos006-keppra-volume-with-concentration", "DOS006", False, LEV_VOLUME_CONC, claim(LEV, units=100), {"dosage": D}),
    # --- DOS007 smaller code of the family covers the dose (edge case 7) --------------------
    Case("dos007-mpa-40mg-under-j1040", "DOS007", True, MPA_KNEE_40,
         {"code": "J1040", "units": 1, "modifiers": ["JZ"], "icd10": ["M17.12"]}, {"dosage": INC}, ("J1030",)),
    Case("dos007-mpa-40mg-under-j1030", "DOS007", False, MPA_KNEE_40,
         {"code": "J1030", "units": 1, "modifiers": ["JZ"], "icd10": ["M17.12"]}, {"dosage": D}),
    Case("dos007-sublocade-300mg-under-the-lower-tier", "DOS007", True, SUBLOCADE_300, claim(SUBLOCADE, code="Q9991"),
         {"dosage": INC, "wastage": D}, ("Q9992",)),
    Case("dos007-sublocade-300mg-in-its-tier", "DOS007", False, SUBLOCADE_300, SUBLOCADE, {"dosage": D, "wastage": D}),
    # --- DOS008 combination across a family: documented with a warning (edge case 7) ---------
    Case("dos008-solu-medrol-80-as-j2920-x2", "DOS008", True, SOLU_80,
         {"code": "J2920", "units": 2, "modifiers": ["JZ"], "icd10": ["J45.41"]}, {"dosage": D}, ("J2930",)),
    Case("dos008-solu-medrol-80-as-j2930-x1", "DOS008", False, SOLU_80,
         {"code": "J2930", "units": 1, "modifiers": ["JZ"], "icd10": ["J45.41"]}, {"dosage": D}),
    # --- DOS009 no units on the claim (edge case 6) -----------------------------------------
    Case("dos009-no-units", "DOS009", True, LEV_ED, claim(LEV, units=None), {"dosage": D}, ("150",)),
    Case("dos009-units-given", "DOS009", False, LEV_ED, LEV, {"dosage": D}),
    # --- DOS010 product-specific code, only the class named ---------------------------------
    Case("dos010-ivig-class-under-privigen-code", "DOS010", True, IVIG_CLASS_ONLY, PRIVIGEN, {"dosage": D}),
    Case("dos010-privigen-named", "DOS010", False, PRIVIGEN_IV, PRIVIGEN, {"dosage": D}),
    # --- RTE001 no route ------------------------------------------------------------------------
    Case("rte001-ondansetron-no-route", "RTE001", True, OND_NO_ROUTE, OND, {"route": M, "dosage": D}),
    Case("rte001-route-only-in-plan", "RTE001", True, LEV_ROUTE_IN_PLAN, claim(LEV, units=100), {"route": M}),
    Case("rte001-product-name-is-not-a-route", "RTE001", True, PRIVIGEN_NO_ROUTE, PRIVIGEN, {"route": M}),
    Case("rte001-ondansetron-iv-push", "RTE001", False, OND_FULL_VIAL, OND, {"route": D}),
    Case("rte001-injected-into-deltoid", "RTE001", False, OND_DELTOID, OND, {"route": D}),
    Case("rte001-infused-via-port", "RTE001", False, PRIVIGEN_PORT, PRIVIGEN, {"route": D}),
    Case("rte001-knee-injection-implied", "RTE001", False, MPA_KNEE_IMPLIED,
         {"code": "J1030", "units": 1, "modifiers": ["JZ"], "icd10": ["M17.11"]}, {"route": D}),
    # --- RTE002 route does not fit the code --------------------------------------------------
    Case("rte002-depo-medrol-iv", "RTE002", True, DEPO_RHINITIS_IV, DEPO_J1040, {"route": INC, "dosage": D}),
    Case("rte002-seizalam-iv", "RTE002", True, SEIZALAM_IV, SEIZALAM, {"route": INC}),
    Case("rte002-ranibizumab-im", "RTE002", True, RANIBIZUMAB_IM, RANIBIZUMAB, {"route": INC}),
    Case("rte002-depo-medrol-im", "RTE002", False, DEPO_RHINITIS_IM, DEPO_J1040, {"route": D}),
    Case("rte002-seizalam-im", "RTE002", False, SEIZALAM_IM, SEIZALAM, {"route": D}),
    Case("rte002-ranibizumab-intravitreal", "RTE002", False, RANIBIZUMAB_IVT, RANIBIZUMAB, {"route": D}),
    # --- RTE003 oral under an injection code (edge case 3: dosage judged on its own) ----------
    Case("rte003-zofran-odt", "RTE003", True, OND_ODT, OND, {"route": INC, "dosage": D}),
    Case("rte003-ondansetron-iv", "RTE003", False, OND_GASTRO, OND, {"route": D}),
    # --- RTE004 accepted off-label route: documented with a warning ---------------------------
    Case("rte004-depo-medrol-epidural", "RTE004", True, DEPO_EPIDURAL, claim(DEPO_J1040, icd10=["M54.16"]), {"route": D}),
    Case("rte004-depo-medrol-im", "RTE004", False, DEPO_RHINITIS_IM, DEPO_J1040, {"route": D}),
    # --- IND001 no reason (edge case 8) --------------------------------------------------------
    Case("ind001-ketorolac-no-reason", "IND001", True, KETOROLAC_NO_REASON, KETOROLAC, {"indication": M}),
    Case("ind001-no-reason-and-claim-code-unsupportive", "IND001", True, KETOROLAC_NO_REASON,
         claim(KETOROLAC, icd10=["I10"]), {"indication": M}, extra={"also": "IND003"}),
    Case("ind001-ketorolac-only-an-allergy", "IND001", True, KETOROLAC_ALLERGY_ONLY, KETOROLAC,
         {"indication": M, "dosage": M, "route": M}),
    Case("ind001-ketorolac-for-back-pain", "IND001", False, KETOROLAC_BACK_PAIN, KETOROLAC, {"indication": D}),
    # A drug the note never names, beside a condition that is no use of it known to the terminologies.
    Case("ind001-never-named-beside-no-known-use", "IND001", True, SLEEP_STUDY, EPOPROSTENOL, {"dosage": M, "route": M, "indication": M}),
    Case("ind001-never-named-beside-a-known-use", "IND001", False, PAH_CONSULT, claim(EPOPROSTENOL, icd10=["I27.0"]), {"dosage": M, "indication": D}),
    Case("ind001-ponv-prophylaxis-context", "IND001", False, OND_PONV, claim(OND, icd10=[]), {"indication": D}),
    Case("ind001-analgesic-at-end-of-procedure", "IND001", False, KETOROLAC_AT_CLOSURE,
         claim(KETOROLAC, icd10=["G89.18"]), {"indication": D}),
    # --- IND002 reason not a recognised use --------------------------------------------------
    Case("ind002-levetiracetam-for-knee-oa", "IND002", True, LEV_KNEE_OA,
         {"code": "J1953", "units": 50, "modifiers": ["JZ"], "icd10": ["M17.11"]}, {"indication": INC}),
    Case("ind002-levetiracetam-for-seizure-oa-in-pmh", "IND002", False, LEV_SEIZURE_WITH_OA_HISTORY,
         claim(LEV, units=100), {"indication": D}),
    Case("ind002-aecopd-under-dobutamine-impression", "IND002", True, SOLU_AECOPD.format(header="Impression:"),
         {"code": "J1250", "units": 1, "modifiers": ["JZ"], "icd10": ["J44.1"]}, {"indication": INC, "dosage": INC}),
    Case("ind002-aecopd-under-dobutamine-imp", "IND002", True, SOLU_AECOPD.format(header="Imp:"),
         {"code": "J1250", "units": 1, "modifiers": ["JZ"], "icd10": ["J44.1"]}, {"indication": INC, "dosage": INC}),
    Case("ind002-aecopd-under-solu-medrol-code", "IND002", False, SOLU_AECOPD.format(header="Imp:"),
         {"code": "J2930", "units": 1, "modifiers": ["JZ"], "icd10": ["J44.1"]}, {"indication": D}),
    # --- IND003 claim codes do not support the drug ---------------------------------------------
    Case("ind003-ivig-hypertension-only", "IND003", True, PRIVIGEN_IV, claim(PRIVIGEN, icd10=["I10"]), {"indication": INC}),
    Case("ind003-ivig-hypertension-and-cvid", "IND003", False, PRIVIGEN_IV, claim(PRIVIGEN, icd10=["I10", "D83.9"]),
         {"indication": D}),
    # --- IND004 invalid ICD-10-CM code (one supporting valid code is enough: edge case 8) ----
    Case("ind004-invalid-code", "IND004", True, LEV_ED, claim(LEV, icd10=["G40.99Z", "G40.909"]), {"indication": D},
         ("G40.99Z",)),
    Case("ind004-valid-code", "IND004", False, LEV_ED, LEV, {"indication": D}),
    # --- IND006 category instead of a billable code -------------------------------------------
    Case("ind006-category-g40", "IND006", True, LEV_ED, claim(LEV, icd10=["G40", "R56.9"]), {"indication": D}, ("G40",)),
    Case("ind006-billable-code", "IND006", False, LEV_ED, LEV, {"indication": D}),
    # --- IND009 a code billed only for (or outside) ESRD on dialysis ------------------------------
    Case("ind009-esrd-code-no-dialysis", "IND009", True, FERAHEME_OB, FERAHEME_ESRD, {"indication": INC}, ("Q0139",)),
    Case("ind009-esrd-code-on-dialysis", "IND009", False, FERAHEME_OB, claim(FERAHEME_ESRD, icd10=["D63.1", "N18.6", "Z99.2"]),
         {"indication": D}),
    Case("ind009-non-esrd-code-on-dialysis", "IND009", True, FERAHEME_OB, claim(FERAHEME_ESRD, code="Q0138", icd10=["D50.9", "Z99.2"]),
         {"indication": INC}, ("Z99.2",)),
    Case("ind009-non-esrd-code-not-on-dialysis", "IND009", False, FERAHEME_OB, claim(FERAHEME_ESRD, code="Q0138"), {"indication": D}),
    # ESRD itself (N18.6) is the ESRD code's use as much as a dialysis code.
    Case("ind009-non-esrd-code-with-esrd", "IND009", True, FERAHEME_OB, claim(FERAHEME_ESRD, code="Q0138", icd10=["D50.9", "N18.6"]),
         {"indication": INC}, ("N18.6",)),
    # --- WST001 neither JW nor JZ (edge case 12) ------------------------------------------------
    Case("wst001-silent-no-modifier", "WST001", True, OND_SILENT, claim(OND, modifiers=[]), {"wastage": M}),
    # Tablets come in no single-dose vial: the JW/JZ policy does not reach an oral code's line.
    Case("wst001-quiet-for-an-oral-code", "WST001", False, OND_TABLET, ORAL_OND, {"wastage": NA}),
    # Nor does it reach a metered dose inhaler's line (a device with no single-dose container).
    Case("wst001-quiet-for-an-inhaler-code", "WST001", False,
         "Albuterol HFA 2 puffs inhaled via spacer in clinic for wheeze; asthma exacerbation.",
         {"code": "J3535", "units": 1, "icd10": ["J45.901"]}, {"wastage": NA}),
    Case("wst001-no-waste-stated-but-no-jz", "WST001", True, OND_FULL_VIAL, claim(OND, modifiers=[]), {"wastage": M}),
    Case("wst001-jz-billed", "WST001", False, OND_SILENT, OND, {"wastage": D}),
    Case("wst001-multi-dose-vial", "WST001", False, OND_MDV, claim(OND, modifiers=[]), {"wastage": NA}),
    Case("wst001-inpatient-stated-in-note", "WST001", False, CEFTRIAXONE_ADMITTED,
         {"code": "J0696", "units": 4, "icd10": ["J18.9"]}, {"wastage": NA}),
    Case("wst001-rhc-fqhc", "WST001", False, CEFTRIAXONE_GC, claim(CEFTRIAXONE, setting="rhc-fqhc"), {"wastage": NA}),
    Case("wst001-not-separately-payable", "WST001", False, CEFTRIAXONE_GC, claim(CEFTRIAXONE, separately_payable=False),
         {"wastage": NA}),
    Case("wst001-per-therapeutic-dose", "WST001", False, HEMGENIX, {"code": "J1411", "units": 1, "icd10": ["D67"]},
         {"wastage": NA}),
    # --- WST002 JW without a discarded amount -----------------------------------------------
    Case("wst002-jw-note-silent", "WST002", True, OND_SILENT, claim(OND, modifiers=["JW"], waste_units=2), {"wastage": M}),
    Case("wst002-jw-with-discarded-amount", "WST002", False, OND_HALF_VIAL,
         {"code": "J2405", "units": 2, "waste_units": 2, "modifiers": ["JW"], "icd10": ["R11.0"]}, {"wastage": D}),
    Case("wst002-jw-discarded-mass-in-parentheses", "WST002", False, PRIVIGEN_STOPPED_VOLUME_FIRST,
         claim(PRIVIGEN, units=50, modifiers=["JW"], waste_units=10), {"wastage": D}),
    # --- WST003 waste recorded but not billed with JW -----------------------------------------
    Case("wst003-wasted-200mg-with-jz", "WST003", True, LEV_WASTED_200, claim(LEV, units=130), {"wastage": INC}, ("20",)),
    Case("wst003-wasted-200mg-no-modifier", "WST003", True, LEV_WASTED_200, claim(LEV, units=130, modifiers=[]),
         {"wastage": INC}),
    Case("wst003-vial-size-implies-waste-with-jz", "WST003", True, LEV_VIAL_IMPLIED, claim(LEV, units=30), {"wastage": INC}),
    Case("wst003-wasted-200mg-with-jw", "WST003", False, LEV_WASTED_200,
         claim(LEV, units=130, modifiers=["JW"], waste_units=20), {"wastage": D}),
    # --- WST004 JW and JZ both --------------------------------------------------------------
    Case("wst004-jw-and-jz", "WST004", True, LEV_ED, claim(LEV, modifiers=["JW", "JZ"]), {"wastage": INC}),
    Case("wst004-jw-line-units-and-jz", "WST004", True, LEV_ED, claim(LEV, waste_units=10), {"wastage": INC}),
    Case("wst004-jz-only", "WST004", False, LEV_ED, LEV, {"wastage": D}),
    # --- WST005 JW units do not match ---------------------------------------------------------
    Case("wst005-jw-30-for-250mg", "WST005", True, LEV_WASTED_250, claim(LEV, units=125, modifiers=["JW"], waste_units=30),
         {"wastage": INC}, ("25",)),
    Case("wst005-jw-not-rounded-down", "WST005", True, LEV_DISCARDED_245,
         claim(LEV, units=126, modifiers=["JW"], waste_units=25), {"wastage": INC}, ("24",)),
    Case("wst005-jw-25-for-250mg", "WST005", False, LEV_WASTED_250, claim(LEV, units=125, modifiers=["JW"], waste_units=25),
         {"wastage": D}),
    Case("wst005-jw-rounded-down", "WST005", False, LEV_DISCARDED_245,
         claim(LEV, units=126, modifiers=["JW"], waste_units=24), {"wastage": D}),
    Case("wst005-the-billed-ingredients-waste", "WST005", False, VYXEOS_WASTE,
         {"code": "J9153", "units": 22, "modifiers": ["JW"], "waste_units": 22, "icd10": ["C92.A1"]}, {"dosage": D, "wastage": D}),
    # --- WST006 JW although the note says no waste -------------------------------------------
    Case("wst006-no-waste-but-jw", "WST006", True, LEV_ED, claim(LEV, modifiers=["JW"], waste_units=10), {"wastage": INC}),
    Case("wst006-entire-vial-but-jw", "WST006", True, OND_ENTIRE_ADMINISTERED, claim(OND, modifiers=["JW"], waste_units=2),
         {"wastage": INC}),
    Case("wst006-no-waste-with-jz", "WST006", False, LEV_ED, LEV, {"wastage": D}),
    # --- WST007 JW where wastage does not apply (edge case 10) -------------------------------
    Case("wst007-jw-multi-dose-vial", "WST007", True, OND_MDV, claim(OND, modifiers=["JW"], waste_units=2), {"wastage": INC}),
    Case("wst007-jw-depo-multi-dose-vial", "WST007", True, DEPO_GOUT_MDV,
         {"code": "J1040", "units": 1, "waste_units": 1, "modifiers": ["JW"], "icd10": ["M10.061"]}, {"wastage": INC}),
    Case("wst007-jw-seizalam", "WST007", True, SEIZALAM_IM, claim(SEIZALAM, modifiers=["JW"], waste_units=40), {"wastage": INC}),
    Case("wst007-jw-inpatient", "WST007", True, CEFTRIAXONE_ADMITTED,
         {"code": "J0696", "units": 4, "waste_units": 1, "modifiers": ["JW"], "icd10": ["J18.9"], "setting": "inpatient"},
         {"wastage": INC}),
    Case("wst007-jw-rhc-fqhc", "WST007", True, CEFTRIAXONE_GC,
         claim(CEFTRIAXONE, modifiers=["JW"], waste_units=2, setting="rhc-fqhc"), {"wastage": INC}),
    Case("wst007-jw-packaged", "WST007", True, CEFTRIAXONE_GC,
         claim(CEFTRIAXONE, modifiers=["JW"], waste_units=2, separately_payable=False), {"wastage": INC}),
    Case("wst007-multi-dose-vial-no-modifier", "WST007", False, OND_MDV, claim(OND, modifiers=[]), {"wastage": NA}),
    Case("wst007-jw-single-dose-office", "WST007", False, CEFTRIAXONE_GC,
         claim(CEFTRIAXONE, modifiers=["JW"], waste_units=2, setting="office"), {"wastage": D}),
    # --- WST008 JW below one unit (edge case 11) ---------------------------------------------
    Case("wst008-jw-for-30mg-of-80mg-code", "WST008", True, DEPO_GOUT_30_DISCARDED,
         {"code": "J1040", "units": 1, "waste_units": 1, "modifiers": ["JW"], "icd10": ["M10.061"]}, {"wastage": INC}),
    Case("wst008-jz-for-30mg-of-80mg-code", "WST008", False, DEPO_GOUT_30_DISCARDED,
         {"code": "J1040", "units": 1, "modifiers": ["JZ"], "icd10": ["M10.061"]}, {"wastage": D}),
    # --- WST009 JZ stands, note silent ---------------------------------------------------------
    Case("wst009-jz-note-silent", "WST009", True, OND_SILENT, OND, {"wastage": D}),
    Case("wst009-jz-entire-vial-stated", "WST009", False, OND_FULL_VIAL, OND, {"wastage": D}),
    Case("wst009-jz-vial-size-equals-dose", "WST009", False, CEFTRIAXONE_VIAL_EQUALS_DOSE,
         claim(CEFTRIAXONE, modifiers=["JZ"]), {"wastage": D}),
    # --- WST010 JZ where wastage does not apply (edge case 10: info only) ----------------------
    Case("wst010-jz-seizalam", "WST010", True, SEIZALAM_IM, claim(SEIZALAM, modifiers=["JZ"]), {"wastage": NA}),
    Case("wst010-jz-multi-dose-vial", "WST010", True, OND_MDV, OND, {"wastage": NA}),
    Case("wst010-jz-inpatient", "WST010", True, CEFTRIAXONE_ADMITTED,
         {"code": "J0696", "units": 4, "modifiers": ["JZ"], "icd10": ["J18.9"], "setting": "inpatient"}, {"wastage": NA}),
    Case("wst010-seizalam-no-modifier", "WST010", False, SEIZALAM_IM, SEIZALAM, {"wastage": NA}),
    Case("wst010-jz-single-dose-vial", "WST010", False, OND_FULL_VIAL, OND, {"wastage": D}),
    # --- WST011 waste implied by the vial size only -------------------------------------------
    Case("wst011-vial-size-implies-waste-with-jw", "WST011", True, LEV_VIAL_IMPLIED,
         claim(LEV, units=30, modifiers=["JW"], waste_units=20), {"wastage": D}),
    Case("wst011-discarded-amount-stated-with-jw", "WST011", False, LEV_VIAL_STATED,
         claim(LEV, units=30, modifiers=["JW"], waste_units=20), {"wastage": D}),
]


def _params(cases: list[Case]):
    out = []
    for c in cases:
        marks = [pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else []
        out.append(pytest.param(c, id=c.id, marks=marks))
    return out


def assert_evidence_spans(note: str, r: Review) -> None:
    """Every evidence quote is the exact substring note[start:end] (findings and elements)."""
    for f in r.findings:
        for e in f.evidence:
            assert 0 <= e.start <= e.end <= len(note), (f.rule_id, e)
            assert note[e.start : e.end] == e.quote, (f.rule_id, e)
    for name, el in r.elements.items():
        for e in el.evidence:
            assert note[e.start : e.end] == e.quote, (name, e)


def rule_ids(r: Review) -> set[str]:
    return {f.rule_id for f in r.findings}


def describe(r: Review) -> str:
    return f"{r.predicted()} findings={[(f.rule_id, f.message) for f in r.findings]}"


@pytest.mark.parametrize("case", _params(CASES))
def test_rule(case: Case) -> None:
    r = review(case.note, case.claim)
    assert_evidence_spans(case.note, r)
    ids = rule_ids(r)
    if case.fires:
        assert case.rule in ids, describe(r)
    else:
        assert case.rule not in ids, describe(r)
    for element, status in case.expect.items():
        assert r.status(element) == status, f"{element}: {describe(r)}"
    if case.fires and case.mentions:
        text = " ".join(f"{f.message} {f.suggestion}" for f in r.findings if f.rule_id == case.rule)
        for needle in case.mentions:
            assert needle in text, f"{needle!r} not in {text!r}"
    if "also" in case.extra:
        assert case.extra["also"] in ids, describe(r)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_contract_invariants(case: Case) -> None:
    """Findings carry their rule's element and severity; non-documented statuses have a finding;
    the verdict is pass exactly when every element is documented or not applicable."""
    r = review(case.note, case.claim)
    assert set(r.elements) == set(ELEMENTS)
    for f in r.findings:
        assert f.rule_id in RULES, f.rule_id
        assert f.element == RULES[f.rule_id].element, f.rule_id
        assert f.severity == RULES[f.rule_id].severity, f.rule_id
    for name in ELEMENTS:
        if r.status(name) in (M, INC):
            assert any(f.element == name for f in r.findings), f"{name} is {r.status(name)} with no finding: {describe(r)}"
    ok = all(r.status(name) in (D, NA) for name in ELEMENTS)
    assert r.verdict == (Verdict.passed if ok else Verdict.failed)


# --- IND005 needs a code with no corpus document: a one-line CMS-style HCPCS extract -----------

UNCODED_SEIZURE = (
    "ED note. 30M known epilepsy, generalized seizure ongoing >5 min on arrival.\n"
    "0212 Brivaracetam 4 mg IV push via R AC PIV. Seizure stopped 0215.\n"
    "2 mg/mL single-dose vials x2, no waste."
)


@pytest.fixture()
def hcpcs_extract(tmp_path):
    path = tmp_path / "hcpcs.csv"
    # A code no packaged source knows (not in the CMS 2025 table), of a drug no other code bills,
    # so it has no indication list of its own or borrowed.
    path.write_text('hcpcs,long_description\nJ3599,"Injection, brivaracetam, 2 mg"\n', encoding="utf-8")
    return str(path)


def test_ind005_fires_for_code_without_recognised_uses(hcpcs_extract):
    r = review(UNCODED_SEIZURE, {"code": "J3599", "units": 2, "modifiers": ["JZ"], "icd10": ["G40.901"]}, hcpcs=hcpcs_extract)
    assert_evidence_spans(UNCODED_SEIZURE, r)
    assert "IND005" in rule_ids(r), describe(r)
    assert r.status("indication") == D  # a reason is documented; only its coverage cannot be checked


def test_a_note_that_never_names_a_drug_of_no_known_use_documents_no_reason_for_it(hcpcs_extract):
    # The note's seizure is no claim diagnosis: nothing ties it to a drug the note never names.
    note = "ED note. 30M known epilepsy, generalized seizure ongoing >5 min on arrival; transferred to the county hospital."
    r = review(note, {"code": "J3599", "units": 2, "modifiers": ["JZ"], "icd10": ["C50.911"]}, hcpcs=hcpcs_extract)
    assert r.status("indication") == M, describe(r)
    # Where it documents a claim diagnosis, that diagnosis is a reason the drug's uses cannot refute.
    r = review(note, {"code": "J3599", "units": 2, "modifiers": ["JZ"], "icd10": ["G40.901"]}, hcpcs=hcpcs_extract)
    assert r.status("indication") == D, describe(r)


def test_ind005_quiet_for_code_with_recognised_uses(hcpcs_extract):
    r = review(LEV_ED, LEV, hcpcs=hcpcs_extract)
    assert_evidence_spans(LEV_ED, r)
    assert "IND005" not in rule_ids(r), describe(r)
    assert r.status("indication") == D


# --- the table above covers the registry ---------------------------------------------------------


def test_every_rule_has_a_firing_and_a_quiet_case():
    # The code-knowledge rules fire and stay quiet in tests/test_knowledge_packaged.py.
    knowledge = {"IND007", "IND008", "WST012", "WST013", "WST014"}
    covered_fire = {c.rule for c in CASES if c.fires} | {"IND005"} | knowledge
    covered_quiet = {c.rule for c in CASES if not c.fires} | {"IND005"} | knowledge
    # Model-layer rules (MDL*) need a chat model; tests/test_model.py covers them.
    wanted = {r for r in RULES if not r.startswith("MDL")} - UNTESTED
    assert wanted - covered_fire == set()
    assert wanted - covered_quiet == set()
    assert {c.rule for c in CASES} <= set(RULES)
    assert len({c.id for c in CASES}) == len(CASES)


def test_a_claim_code_that_names_the_purpose_supports_the_drug():
    # "G89.18 other acute postprocedural pain" names the documented purpose, "postoperative analgesia".
    note = ("Dx: chronic tonsillitis.\nPROCEDURE: Tonsillectomy.\nAt the end of the case the tonsillar fossae were injected with 6 mL of 0.25% Marcaine "
            "with 1:100,000 adrenalin to facilitate postoperative analgesia and hemostasis.")
    r = review(note, {"code": "J0665", "units": 30, "modifiers": ["JZ"], "icd10": ["G89.18"]})
    assert r.status("indication") == D, describe(r)
    r = review(note, {"code": "J0665", "units": 30, "modifiers": ["JZ"], "icd10": ["I10"]})
    assert r.status("indication").value == "inconsistent", describe(r)
