"""Route fit: a route that counts as one the code allows (data/routes.json `fits_as`)."""

from docreview.knowledge.facts import knowledge_base
from docreview.review_engine import Reviewer


def test_a_steroid_infiltrated_into_an_incision_fits_a_soft_tissue_code():
    reviewer = Reviewer(knowledge_base())
    note = "Postop: 1 mL of dexamethasone sodium phosphate 4 mg/mL was injected into the incision site for swelling."
    review = reviewer.review(note, {"code": "J1100", "units": 4, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "documented"


def test_an_antibiotic_under_the_tenon_capsule_does_not_fit_an_iv_code():
    reviewer = Reviewer(knowledge_base())
    note = "Ancef 50 mg was injected sub-Tenon at the end of the case."
    review = reviewer.review(note, {"code": "J0690", "units": 1, "modifiers": ["JZ"]})
    assert review.elements["route"].status.value == "inconsistent"
