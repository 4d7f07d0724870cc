import pytest

from docreview.knowledge.hcpcs import parse_descriptor, parse_report, read_hcpcs
from tests.conftest import CMS_2020, CMS_2025, need


def test_parse_common_descriptor_forms():
    f = parse_descriptor("J2930", "Injection, methylprednisolone sodium succinate, up to 125 mg")
    assert (f.drug, f.unit_amount, f.unit, f.up_to) == ("methylprednisolone sodium succinate", 125.0, "mg", True)
    f = parse_descriptor("J1459", "Injection, immune globulin (privigen), intravenous, non-lyophilized (e.g., liquid), 500 mg")
    assert f.drug == "immune globulin" and f.brands == ("privigen",) and f.routes == ("intravenous",) and f.unit_amount == 500
    f = parse_descriptor("J1411", "Injection, etranacogene dezaparvovec-drlb, per therapeutic dose")
    assert f.unit == "therapeutic dose" and f.unit_amount == 1
    f = parse_descriptor("J1644", "Injection, heparin sodium, per 1000 units")
    assert (f.unit_amount, f.unit) == (1000.0, "units")
    f = parse_descriptor("J0698", "Injection, cefotaxime sodium, per gm")
    assert (f.unit_amount, f.unit) == (1.0, "g")
    f = parse_descriptor("J2778", "Injection, ranibizumab, 0.1 mg")
    assert f.unit_amount == 0.1
    # The ingredients' amounts in the order of the names: a unit is the combination.
    # A brand as the segment after the drug may carry its product number.
    assert parse_descriptor("J7320", "Hyaluronan or derivative, genvisc 850, for intra-articular injection, 1 mg").brands == ("genvisc 850",)
    f = parse_descriptor("J0714", "Injection, ceftazidime and avibactam, 0.5 g/0.125 g")
    assert (f.unit_amount, f.unit) == (0.625, "g")
    # Billed per dose or per item when the descriptor counts doses, days of therapy or devices.
    for code, descriptor in [("J0578", "Injection, buprenorphine extended release (brixadi), greater than 7 days and up to 28 days of therapy"),
                             ("J9031", "Bcg (intravesical) per instillation"),
                             ("J7303", "Contraceptive supply, hormone containing vaginal ring, each"),
                             # What the ring releases a day is no amount a unit holds.
                             ("J7294", "Segesterone acetate and ethinyl estradiol 0.15mg, 0.013mg per 24 hours; yearly vaginal system, each"),
                             ("J7307", "Etonogestrel (contraceptive) implant system, including implant and supplies")]:
        assert parse_descriptor(code, descriptor).unit == "therapeutic dose", code


def test_a_scaled_count_unit_is_that_many_of_the_unit():
    f = parse_descriptor("J9325", "Injection, talimogene laherparepvec, per 1 million plaque forming units")
    assert (f.unit_amount, f.unit) == (1e6, "pfu")
    f = parse_descriptor("J3398", "Injection, voretigene neparvovec-rzyl, 1 billion vector genomes")
    assert (f.unit_amount, f.unit) == (1e9, "vg")
    f = parse_descriptor("J9214", "Injection, interferon, alfa-2b, recombinant, 1 million units")
    assert (f.unit_amount, f.unit) == (1e6, "units")


def test_a_drug_premixed_in_an_iv_fluid_is_given_into_a_vein():
    assert "intravenous" in parse_descriptor("J0164", "Injection, epinephrine in sodium chloride (baxter), 0.1 mg").routes
    assert parse_descriptor("J0171", "Injection, adrenalin, epinephrine, 0.1 mg").routes == ()


def test_a_depot_form_named_in_the_descriptor_gives_its_routes():
    assert parse_descriptor("J1631", "Injection, haloperidol decanoate, per 50 mg").routes == ("intramuscular", "subcutaneous")
    assert parse_descriptor("J1071", "Injection, testosterone cypionate, 1 mg").routes == ("intramuscular",)
    # "acetate" alone says nothing (octreotide acetate goes IV); a corticosteroid's acetate is a suspension, never IV.
    steroid = parse_descriptor("J1040", "Injection, methylprednisolone acetate, 80 mg").routes
    assert "intra-articular" in steroid and "intravenous" not in steroid
    assert parse_descriptor("J2354", "Injection, octreotide, non-depot form for subcutaneous or intravenous injection, 25 mcg").routes == (
        "subcutaneous", "intravenous")


def test_dose_tiers_bill_one_unit_when_the_days_dose_is_in_the_tier():
    from docreview.knowledge.facts import knowledge_base

    f = parse_descriptor("J0573", "Buprenorphine/naloxone, oral, greater than 3 mg, but less than or equal to 6 mg buprenorphine")
    assert (f.tier, f.unit) == ((3.0, 6.0), "mg")
    # Edge case 5: two 2 mg films on the date of service are 4 mg, one unit of J0573 (none of J0572).
    kb = knowledge_base()
    assert kb.facts("J0573").documented_units(4.0, 2) == 1 and kb.facts("J0572").documented_units(4.0, 2) is None
    assert parse_descriptor("Q9992", "Injection, buprenorphine extended-release (sublocade), greater than 100 mg").tier == (100.0, None)
    assert parse_descriptor("J2930", "Injection, methylprednisolone sodium succinate, up to 125 mg").tier is None


def test_a_qualifier_written_without_its_comma_is_no_part_of_the_drug():
    f = parse_descriptor("J3374", "Injection, vancomycin hydrochloride (mylan) not therapeutically equivalent to j3373, 10 mg")
    assert (f.drug, f.labelers) == ("vancomycin hydrochloride", ("mylan",))


def test_an_ingredient_after_the_billing_amount_is_part_of_the_drug():
    # A co-formulation whose second ingredient has no amount of its own follows the first's.
    for code, descriptor in [("J9144", "Injection, daratumumab, 10 mg and hyaluronidase-fihj"),
                             ("C9062", "Injection, daratumumab 10 mg and hyaluronidase-fihj")]:
        f = parse_descriptor(code, descriptor)
        assert (f.drug, f.unit_amount, f.unit) == ("daratumumab and hyaluronidase-fihj", 10.0, "mg"), code
    assert parse_descriptor("J9145", "Injection, daratumumab, 10 mg").drug == "daratumumab"


def test_the_amount_one_unit_stands_for_written_out_is_the_billing_unit():
    f = parse_descriptor("J7042", "5% dextrose/normal saline (500 ml = 1 unit)")
    assert (f.drug, f.unit_amount, f.unit, f.brands) == ("5% dextrose/normal saline", 500.0, "mL", ())


def test_a_brand_in_a_form_segment_names_the_product():
    f = parse_descriptor("J7314", "Injection, fluocinolone acetonide, intravitreal implant (yutiq), 0.01 mg")
    assert f.brands == ("yutiq",) and f.drug == "fluocinolone acetonide"


def test_brands_labelers_and_asides_in_descriptors():
    f = parse_descriptor("J1569", "Injection, immune globulin, (gammagard liquid), non-lyophilized, (e.g., liquid), 500 mg")
    assert f.drug == "immune globulin" and f.brands == ("gammagard liquid",)
    f = parse_descriptor("J1561", "Injection, immune globulin, (gamunex-c/gammaked), non-lyophilized (e.g., liquid), 500 mg")
    assert f.brands == ("gamunex-c", "gammaked")
    # A manufacturer in parentheses tells same-drug codes apart; notes do not name the drug by it.
    f = parse_descriptor("J0134", "Injection, acetaminophen (fresenius kabi), 10 mg")
    assert (f.drug, f.brands, f.labelers) == ("acetaminophen", (), ("fresenius kabi",))
    f = parse_descriptor("J0911", "Instillation, taurolidine 1.35 mg and heparin sodium 100 units (central venous "
                                  "catheter lock for adult patients receiving chronic hemodialysis)")
    assert f.brands == () and f.drug.startswith("taurolidine")
    # A route in parentheses says how the drug is given; it names no product.
    f = parse_descriptor("J9031", "Bcg (intravesical) per instillation")
    assert f.drug.startswith("bcg") and f.brands == ()


@pytest.mark.parametrize("code, descriptor, drug, brands", [
    ("J7308", "Aminolevulinic acid hcl for topical administration, 20%, single unit dosage form (354 mg)", "aminolevulinic acid hcl", ()),
    ("J7354", "Cantharidin for topical administration, 0.7%, single unit dose applicator (3.2 mg)", "cantharidin", ()),
    ("J7674", "Methacholine chloride administered as inhalation solution through a nebulizer, per 1 mg", "methacholine chloride", ()),
    ("J2062", "Loxapine for inhalation, 1 mg", "loxapine", ()),
    # Cut of how it is given, no drug is left: the words stay.
    ("J3535", "Drug administered through a metered dose inhaler", "drug administered through a metered inhaler", ()),
])
def test_how_a_drug_is_given_is_no_part_of_its_name(code, descriptor, drug, brands):
    f = parse_descriptor(code, descriptor)
    assert (f.drug, f.brands) == (drug, brands)


def test_unparseable_descriptor_is_reported_not_guessed():
    assert not parse_descriptor("J3490", "Unclassified drugs").parsed


def test_2025_table_parse_share():
    report = parse_report(read_hcpcs(need(CMS_2025)))
    assert report.total == 1188
    assert report.share >= 0.95, report.unparsed[:10]


def test_2020_fixed_width_file():
    codes = read_hcpcs(need(CMS_2020))
    assert codes["J1953"] == "Injection, levetiracetam, 10 mg"
    # Continuation records (RECID 4) are joined with a space.
    assert codes["J1459"].endswith("non-lyophilized (e.g., liquid), 500 mg")
    report = parse_report(codes)
    assert report.total == 810 and report.share >= 0.95


@pytest.mark.parametrize("descriptor, drug", [
    ("Bcg live intravesical instillation, 1 mg", "bcg live intravesical instillation"),
    ("Injection, pasireotide long acting, 1 mg", "pasireotide long acting"),
    ("Injection, romosozumab-aqqg, 1 mg", "romosozumab-aqqg"),
    ("Hemophilia clotting factor, not otherwise classified", "hemophilia clotting factor"),
])
def test_a_unit_is_a_word_of_its_own_never_the_end_of_one(descriptor, drug):
    assert parse_descriptor("J9999", descriptor).drug == drug


def test_a_brand_written_as_the_segment_after_the_drug_is_a_brand_and_a_qualifier_is_not():
    assert parse_descriptor("J7168", "Prothrombin complex concentrate (human), kcentra, per i.u. of factor ix activity").brands == ("kcentra",)
    assert parse_descriptor("J0597", "Injection, c-1 esterase inhibitor (human), berinert, 10 units").brands == ("berinert",)
    # "(X or therapeutically equivalent)": the brand, and no one product.
    f = parse_descriptor("J0601", "Sevelamer carbonate (renvela or therapeutically equivalent), oral, 20 mg (for esrd on dialysis)")
    assert (f.drug, f.brands, f.names_a_product) == ("sevelamer carbonate", ("renvela",), False)
    # A brand in parentheses may open the amount's segment.
    f = parse_descriptor("C9058", "Injection, pegfilgrastim-bmez, biosimilar, (ziextenzo) 0.5 mg")
    assert (f.brands, f.unit_amount, f.unit) == (("ziextenzo",), 0.5, "mg")
    for descriptor in ("Injection, infliximab, biosimilar, 10 mg", "Injection, granisetron, extended-release, 0.1 mg",
                       "Injection, aripiprazole, intramuscular, 0.25 mg", "Tacrolimus, granules, oral suspension, 0.1 mg",
                       "Injection, hyaluronidase, ovine, preservative free, per 1000 usp units"):
        assert parse_descriptor("J9999", descriptor).brands == (), descriptor


def test_a_brand_in_parentheses_inside_a_short_qualifier_is_a_brand():
    f = parse_descriptor("J7169", "Injection, coagulation factor xa (recombinant), inactivated-zhzo (andexxa), 10 mg")
    assert f.brands == ("andexxa",)
    f = parse_descriptor("Q5103", "Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg")
    assert f.brands == ("inflectra",) and f.drug == "infliximab-dyyb"
    # An acronym closing a long phrase is no brand.
    long = "Ciltacabtagene autoleucel, up to 100 million autologous b-cell maturation antigen (bcma) directed car-positive t cells"
    assert parse_descriptor("Q2056", long).brands == ()


def test_a_unit_written_after_a_word_or_two_past_per_is_the_billing_unit():
    # Descriptors written for this test in CMS's shapes.
    f = parse_descriptor("X0001", "Injection, examplekinase, per single use vial")
    assert (f.unit_amount, f.unit) == (1.0, "vial")
    f = parse_descriptor("X0002", "Injection, factor viii/exemplar factor complex (human), per factor viii i.u.")
    assert (f.unit_amount, f.unit) == (1.0, "units")
    f = parse_descriptor("X0003", "Examplegraft, per square cenitmeter")  # CMS's own spelling
    assert f.unit == "sq cm"
    # A bracketed "up to" after the "per" amount caps the code's use; the unit is the "per" amount.
    f = parse_descriptor("J3471", "Injection, hyaluronidase, ovine, preservative free, per 1 usp unit (up to 999 usp units)")
    assert (f.unit_amount, f.unit, f.up_to) == (1.0, "units", False)


def test_a_vaccine_with_no_amount_is_billed_one_per_dose():
    f = parse_descriptor("X0004", "Influenza virus vaccine, split virus, for intramuscular use (examplevax)")
    assert (f.unit_amount, f.unit) == (1.0, "therapeutic dose")


def test_a_product_name_closing_the_descriptor_is_a_brand_and_an_acronym_is_not():
    f = parse_descriptor("X0005", "Influenza virus vaccine, split virus, for individuals 3 years and older, for intramuscular use (examplival)")
    assert f.brands == ("examplival",)
    f = parse_descriptor("X0006", "Services, supplies and accessories used at home for giving subcutaneous immune globulin (scig)")
    assert f.brands == ()


def test_over_an_amount_is_a_tier():
    f = parse_descriptor("X0007", "Injection, example globulin, intramuscular, over 10 cc")
    assert f.tier == (10.0, None)


def test_a_gene_therapy_per_treatment_is_one_unit_per_course():
    from docreview.knowledge.facts import CodeFacts

    f = parse_descriptor("X0008", "Injection, examplogene autotemcel, per treatment")
    assert f.unit == "treatment"
    facts = CodeFacts(code="X0008", descriptor="Injection, examplogene autotemcel, per treatment", drug="examplogene autotemcel",
                      unit_amount=1.0, unit="treatment", up_to=False, descriptor_routes=())
    assert facts.per_dose and facts.documented_units(None, 1) == 1


def test_product_names_a_segment_lists_with_joining_words_are_brands():
    # Descriptors written for this test in CMS's shapes ("imported lipodox", "myotonachol or urecholine").
    f = parse_descriptor("X0009", "Injection, examplorubicin hydrochloride, liposomal, imported examplodox, 10 mg")
    assert f.brands == ("examplodox",) and f.names_a_product and f.drug == "examplorubicin hydrochloride"
    assert parse_descriptor("X0010", "Injection, examplechol chloride, zorbachol or quintecholine, up to 5 mg").brands == ("zorbachol", "quintecholine")
    # Words that are no product's name list none: a route pair, a chemical name.
    assert parse_descriptor("X0011", "Injection, example globulin, (zorbaphylac), intramuscular or intravenous, 100 iu").brands == ("zorbaphylac",)
    assert parse_descriptor("X0012", "Injection, dmso, dimethyl sulfoxide, 50%, 50 ml").brands == ("dmso",)


def test_a_formulation_word_before_the_drugs_is_no_drug():
    f = parse_descriptor("X0013", "Injection, liposomal, 1 mg examplorubicin and 2.27 mg cytarabine")
    # Each amount names its ingredient after it: a unit counts the first ingredient.
    assert f.drug == "examplorubicin and cytarabine" and (f.unit_amount, f.unit) == (1.0, "mg")


def test_the_formulation_a_descriptor_states_and_not_the_one_it_excludes():
    from docreview.knowledge.hcpcs import formulation

    assert formulation("Injection, doxorubicin hydrochloride, liposomal, imported lipodox, 10 mg") == {"liposomal"}
    assert formulation("Injection, infliximab, biosimilar, 10 mg") == {"biosimilar"}
    assert formulation("Injection, infliximab, excludes biosimilar, 10 mg") == frozenset()
    assert formulation("Injection, octreotide, non-depot form for subcutaneous or intravenous injection, 25 mcg") == frozenset()


def test_a_tracer_is_its_isotope_and_the_compound_cms_writes_after_it():
    assert parse_descriptor("X0014", "Copper cu-64, exampletate, diagnostic, 1 millicurie").drug == "copper cu-64 exampletate"
    assert parse_descriptor("X0015", "Injection, gallium nitrate, 1 mg").drug == "gallium nitrate"


def test_a_descriptor_says_whether_the_code_is_for_esrd_on_dialysis():
    from docreview.knowledge.hcpcs import dialysis_use

    assert dialysis_use("Injection, ferumoxytol, for treatment of iron deficiency anemia, 1 mg (for esrd on dialysis)") == "esrd"
    assert dialysis_use("Injection, epoetin beta, 1 microgram, (for non esrd use)") == "non-esrd"
    assert dialysis_use("Injection, darbepoetin alfa, 1 microgram (non-esrd use)") == "non-esrd"
    assert dialysis_use("Unclassified drug or biological used for esrd on dialysis") == "esrd"
    assert dialysis_use("Injection, iron sucrose, 1 mg") is None
    assert dialysis_use("Instillation, taurolidine 1.35 mg and heparin sodium 100 units (central venous catheter lock for adult patients "
                        "receiving chronic hemodialysis)") == "esrd"


def test_a_combination_lists_each_ingredient_with_its_share_of_a_unit():
    # Amounts after each name, or the names then their amounts in order; a salt word both share is no name.
    assert parse_descriptor("J0695", "Injection, ceftolozane 50 mg and tazobactam 25 mg").parts == (("ceftolozane", 50.0), ("tazobactam", 25.0))
    assert parse_descriptor("J0741", "Injection, cabotegravir and rilpivirine, 2mg/3mg").parts == (("cabotegravir", 2.0), ("rilpivirine", 3.0))
    assert parse_descriptor("J0211", "Injection, sodium nitrite 3 mg and sodium thiosulfate 125 mg (nithiodote)").parts == (
        ("nitrite", 3.0), ("thiosulfate", 125.0))
    assert parse_descriptor("J0458", "Injection, aztreonam/avibactam, 7.5 mg/2.5 mg (10 mg)").parts == (("aztreonam", 7.5), ("avibactam", 2.5))
    # Qualifiers after the parts ("oral, fda approved prescription") are no parts.
    assert parse_descriptor("J8655", "Netupitant 300 mg and palonosetron 0.5 mg, oral").parts == (("netupitant", 300.0), ("palonosetron", 0.5))
    # Two salts of one drug are dosed as the product; a unit that counts one ingredient has no parts.
    assert parse_descriptor("J0702", "Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg").parts == ()
    assert parse_descriptor("J9153", "Injection, liposomal, 1 mg daunorubicin and 2.27 mg cytarabine").parts == ()
    assert parse_descriptor("J2250", "Injection, midazolam hydrochloride, per 1 mg").parts == ()


def test_a_tracer_written_with_its_mass_number_apart_is_the_isotope_and_its_compound():
    assert parse_descriptor("C9031", "Lutetium lu 177, dotatate, therapeutic, 1 mci").drug == "lutetium lu 177 dotatate"
