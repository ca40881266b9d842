"""National code lists used on the child record (SSDA903 and CIN census)."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other / prefers to self-describe"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class LegalStatus(models.TextChoices):
    C1 = "C1", "C1 Interim care order"
    C2 = "C2", "C2 Full care order"
    D1 = "D1", "D1 Freeing order granted"
    E1 = "E1", "E1 Placement order granted"
    J1 = "J1", "J1 Remanded to LA accommodation or youth detention accommodation"
    J2 = "J2", "J2 Placed in LA accommodation under PACE"
    J3 = "J3", "J3 Sentenced to Youth Rehabilitation Order with residence requirement"
    L1 = "L1", "L1 Under police protection and in LA accommodation"
    L2 = "L2", "L2 Emergency protection order"
    L3 = "L3", "L3 Under child assessment order and in LA accommodation"
    V2 = "V2", "V2 Single period of accommodation under section 20"
    V3 = (
        "V3",
        "V3 Accommodated under an agreed series of short-term breaks (single placements)",
    )
    V4 = (
        "V4",
        "V4 Accommodated under an agreed series of short-term breaks (multiple placements)",
    )


SHORT_BREAK_LEGAL_STATUSES = frozenset({LegalStatus.V3, LegalStatus.V4})


class ReasonNewEpisode(models.TextChoices):
    S = "S", "S Started to be looked after (new period of care)"
    L = "L", "L Change of legal status only"
    P = "P", "P Change of placement and carer(s) only"
    T = "T", "T Change of legal status and placement and carer(s) at the same time"
    U = "U", "U Change of legal status and change of placement (same carer)"
    B = "B", "B Change of placement (same carer)"


class PlacementType(models.TextChoices):
    """SSDA903 PLACE codes valid for 2025-26 (P2 and Z1 are no longer valid)."""

    A3 = "A3", "A3 Placed for adoption with consent with current foster carer(s)"
    A4 = "A4", "A4 Placed for adoption with consent not with current foster carer(s)"
    A5 = (
        "A5",
        "A5 Placed for adoption with placement order with current foster carer(s)",
    )
    A6 = (
        "A6",
        "A6 Placed for adoption with placement order not with current foster carer(s)",
    )
    K1 = "K1", "K1 Secure children's home"
    K2 = "K2", "K2 Children's home subject to Children's Homes Regulations"
    K3 = "K3", "K3 Supported accommodation (16-17, not a children's home)"
    P1 = (
        "P1",
        "P1 Placed with own parent(s) or other person(s) with parental responsibility",
    )
    P3 = "P3", "P3 Residential employment"
    R1 = "R1", "R1 Residential care home"
    R2 = (
        "R2",
        "R2 NHS/health trust or other establishment providing medical or nursing care",
    )
    R3 = "R3", "R3 Family centre or mother and baby unit"
    R5 = "R5", "R5 Young offender institution or prison"
    S1 = "S1", "S1 Residential school (not dual-registered as a children's home)"
    T0 = "T0", "T0 Temporary placement"
    T1 = "T1", "T1 Temporary: in hospital"
    T2 = "T2", "T2 Temporary: on holiday"
    T3 = "T3", "T3 Temporary: while the carer is on holiday"
    T4 = "T4", "T4 Temporary: other, 7 days or less"
    U1 = "U1", "U1 Foster placement with relative or friend, long-term fostering"
    U2 = (
        "U2",
        "U2 Foster placement with relative or friend who is also an approved adopter (FFA)",
    )
    U3 = "U3", "U3 Foster placement with relative or friend, not long-term or FFA"
    U4 = "U4", "U4 Foster placement with other foster carer, long-term fostering"
    U5 = (
        "U5",
        "U5 Foster placement with other foster carer who is also an approved adopter (FFA)",
    )
    U6 = "U6", "U6 Foster placement with other foster carer, not long-term or FFA"
    Z11 = "Z11", "Z11 Other placement (sub-type 1)"
    Z12 = "Z12", "Z12 Other placement (sub-type 2)"
    Z13 = "Z13", "Z13 Other placement (sub-type 3)"
    Z14 = "Z14", "Z14 Other placement (sub-type 4)"


class ReasonEpisodeCeased(models.TextChoices):
    E11 = "E11", "E11 Adopted: application for an adoption order unopposed"
    E12 = "E12", "E12 Adopted: consent dispensed with by the court"
    E2 = "E2", "E2 Died"
    E3 = "E3", "E3 Care taken over by another local authority in the UK"
    E4A = (
        "E4A",
        "E4A Returned home to live with parents, relatives or PR holders as part of the care planning process",
    )
    E4B = (
        "E4B",
        "E4B Returned home to live with parents, relatives or PR holders not as part of the care planning process",
    )
    E13 = (
        "E13",
        "E13 Left care to live with parent(s), relative(s), or other person(s) with no parental responsibility",
    )
    E41 = (
        "E41",
        "E41 Residence order (or, from 22 April 2014, a child arrangement order) granted",
    )
    E45 = "E45", "E45 Special guardianship order made to former foster carer(s)"
    E46 = (
        "E46",
        "E46 Special guardianship order made to carer(s), other than former foster carer(s)",
    )
    E47 = (
        "E47",
        "E47 Special guardianship order made to a relative or friend, former foster carer",
    )
    E48 = (
        "E48",
        "E48 Special guardianship order made to a relative or friend, not former foster carer",
    )
    E5 = (
        "E5",
        "E5 Moved into independent living arrangement and no longer looked-after: supportive accommodation",
    )
    E6 = (
        "E6",
        "E6 Moved into independent living arrangement and no longer looked-after: no formalised support",
    )
    E7 = "E7", "E7 Transferred to residential care funded by adult social care"
    E9 = "E9", "E9 Sentenced to custody"
    E14 = "E14", "E14 Accommodation on remand ended"
    E15 = "E15", "E15 Age assessment determined child is aged 18 or over"
    E16 = "E16", "E16 Child moved abroad"
    E17 = (
        "E17",
        "E17 Aged 18 (or over) and remained with current carers (inc under staying put arrangements)",
    )
    E8 = "E8", "E8 Period of being looked-after ceased for any other reason"
    X1 = "X1", "X1 Episode ceases, and new episode begins on same day, for any reason"


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "N1 Abuse or neglect"
    N2 = "N2", "N2 Child's disability"
    N3 = "N3", "N3 Parental illness or disability"
    N4 = "N4", "N4 Family in acute stress"
    N5 = "N5", "N5 Family dysfunction"
    N6 = "N6", "N6 Socially unacceptable behaviour"
    N7 = "N7", "N7 Low income"
    N8 = "N8", "N8 Absent parenting"


class CategoryOfAbuse(models.TextChoices):
    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple"


class CPPlanEndReason(models.TextChoices):
    NO_LONGER_AT_RISK = (
        "no_longer_at_risk",
        (
            "No longer at continuing risk of significant harm (review conference decision)"
        ),
    )
    MOVED_TO_OTHER_LA = (
        "moved_to_other_la",
        ("Moved permanently to another local authority (after its conference)"),
    )
    REACHED_18 = "reached_18", "Reached 18"
    DIED = "died", "Died"
    LEFT_UK = "left_uk", "Permanently left the UK"


class KeyPersonRelationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    GRANDPARENT = "grandparent", "Grandparent"
    SIBLING = "sibling", "Sibling"
    OTHER_RELATIVE = "other_relative", "Other relative"
    FOSTER_CARER = "foster_carer", "Foster carer"
    RESIDENTIAL_KEY_WORKER = "residential_key_worker", "Residential key worker"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEACHER = "teacher", "Teacher / designated teacher"
    HEALTH = "health", "Health professional"
    ADVOCATE = "advocate", "Advocate"
    INDEPENDENT_VISITOR = "independent_visitor", "Independent visitor"
    GUARDIAN = "guardian", "Children's guardian (Cafcass)"
    OTHER_PROFESSIONAL = "other_professional", "Other professional"
    OTHER = "other", "Other"
