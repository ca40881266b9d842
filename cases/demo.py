"""Demo staff and a synthetic caseload, for demonstrations and load tests.

Every person here is invented. Phone numbers come from Ofcom's ranges reserved
for drama (07700 900xxx, 01632 960xxx), e-mail addresses use the reserved
example domains, and postcodes use an area (QX) that does not exist.

The caseload goes in with bulk inserts, batch by batch, not through the
services: the services lock the child row and write a history row for every
change, which is right for a person's edit and far too slow for 85,000
children. The inserted rows follow the same rules as the services (one open
episode, plan and allocation per role; an episode that continues a period of
care ends its predecessor that day with X1), and every stored due date comes
from the statutory clock in selectors.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role, sync_role_groups

from . import codes, selectors
from .errors import DomainError
from .models import Allocation, CareEpisode, Child, CPPlanEpisode, KeyPerson

DEMO_PASSWORD = "reviewing-demo"
DEFAULT_CHILDREN = 240
MAX_CHILDREN = 200_000
DEFAULT_SEED = 1
BATCH_SIZE = 2_000

# Any constant works; it only has to differ from other advisory locks in use.
_SEED_LOCK_KEY = 4_400_240

# --- demo staff ---------------------------------------------------------------------

IRO_SERVICE = "IRO Service"
LADO_SERVICE = "LADO Service"
REG44_VISITING = "Regulation 44 Visiting"
BUSINESS_SUPPORT = "Reviewing Business Support"
CIC_NORTH = "Children in Care Team North"
CIC_SOUTH = "Children in Care Team South"
SAFEGUARDING = "Safeguarding and Assessment Team"

DEMO_TEAMS: tuple[tuple[str, str], ...] = (
    (IRO_SERVICE, Team.Kind.IRO_SERVICE),
    (LADO_SERVICE, Team.Kind.LADO_SERVICE),
    (REG44_VISITING, Team.Kind.REG44),
    (BUSINESS_SUPPORT, Team.Kind.BUSINESS_SUPPORT),
    (CIC_NORTH, Team.Kind.SOCIAL_WORK),
    (CIC_SOUTH, Team.Kind.SOCIAL_WORK),
    (SAFEGUARDING, Team.Kind.SOCIAL_WORK),
)
CARE_TEAMS = (CIC_NORTH, CIC_SOUTH)
SOCIAL_WORK_TEAMS = (CIC_NORTH, CIC_SOUTH, SAFEGUARDING)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    first_name: str
    last_name: str
    job_title: str
    phone: str
    team: str | None
    is_staff: bool = False

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.org".lower()


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        username="iro",
        role=Role.IRO,
        first_name="Priya",
        last_name="Shah",
        job_title="Independent Reviewing Officer",
        phone="01632 960101",
        team=IRO_SERVICE,
    ),
    DemoUser(
        username="iro2",
        role=Role.IRO,
        first_name="Tom",
        last_name="Okafor",
        job_title="Independent Reviewing Officer",
        phone="01632 960102",
        team=IRO_SERVICE,
    ),
    DemoUser(
        username="iro3",
        role=Role.IRO,
        first_name="Helen",
        last_name="Price",
        job_title="Independent Reviewing Officer",
        phone="01632 960103",
        team=IRO_SERVICE,
    ),
    DemoUser(
        username="lado",
        role=Role.LADO,
        first_name="Sam",
        last_name="Murray",
        job_title="Local Authority Designated Officer",
        phone="01632 960110",
        team=LADO_SERVICE,
    ),
    DemoUser(
        username="visitor",
        role=Role.REG44_VISITOR,
        first_name="Ruth",
        last_name="Ellis",
        job_title="Regulation 44 Independent Visitor",
        phone="01632 960120",
        team=REG44_VISITING,
    ),
    DemoUser(
        username="manager",
        role=Role.MANAGER,
        first_name="Grace",
        last_name="Adeyemi",
        job_title="IRO Service Manager",
        phone="01632 960100",
        team=IRO_SERVICE,
    ),
    DemoUser(
        username="minutes",
        role=Role.MINUTE_TAKER,
        first_name="Leo",
        last_name="Grant",
        job_title="Minute-taker",
        phone="01632 960130",
        team=BUSINESS_SUPPORT,
    ),
    DemoUser(
        username="admin",
        role=Role.ADMINISTRATOR,
        first_name="Alex",
        last_name="Morgan",
        job_title="Systems Administrator",
        phone="01632 960140",
        team=None,
        is_staff=True,
    ),
)


@dataclass(frozen=True)
class DemoStaff:
    users: dict[str, User]
    teams: dict[str, Team]

    @property
    def iros(self) -> list[User]:
        return [self.users[u.username] for u in DEMO_USERS if u.role == Role.IRO]


def demo_staff_ensure() -> DemoStaff:
    """Create or refresh the demo teams and users; a second run changes nothing."""
    sync_role_groups()
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    teams: dict[str, Team] = {}
    for name, kind in DEMO_TEAMS:
        team, _ = Team.objects.get_or_create(name=name, defaults={"kind": kind})
        if team.kind != kind:
            team.kind = kind
            team.save(update_fields=["kind"])
        teams[name] = team
    users: dict[str, User] = {}
    for spec in DEMO_USERS:
        wanted = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": spec.email,
            "job_title": spec.job_title,
            "phone": spec.phone,
            "team": teams[spec.team] if spec.team else None,
            "is_active": True,
            "is_staff": spec.is_staff,
            "is_superuser": False,
        }
        user, created = User.objects.get_or_create(
            username=spec.username, defaults=wanted
        )
        changed = [k for k, v in wanted.items() if getattr(user, k) != v]
        for name in changed:
            setattr(user, name, wanted[name])
        # Refreshing resets a changed password, so the published one always works.
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        if changed:
            user.save()
        user.groups.set([groups[spec.role]])
        users[spec.username] = user
    iro_service = teams[IRO_SERVICE]
    if iro_service.manager_id != users["manager"].pk:
        iro_service.manager = users["manager"]
        iro_service.save(update_fields=["manager"])
    return DemoStaff(users=users, teams=teams)


# --- the seeding entry point ------------------------------------------------------------


@dataclass
class CaseloadCounts:
    children: int = 0
    in_care: int = 0
    on_plan: int = 0
    care_episodes: int = 0
    cp_plans: int = 0
    allocations: int = 0
    key_people: int = 0


@dataclass(frozen=True)
class SeedResult:
    users: int
    caseload: CaseloadCounts | None  # None when --if-empty found children already


@transaction.atomic
def demo_seed(
    *,
    children: int,
    seed: int = DEFAULT_SEED,
    if_empty: bool = False,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> SeedResult:
    """Refresh the demo staff and add `children` children, all or nothing.

    With `if_empty`, the caseload is added only when there are no children yet.
    """
    if not 0 <= children <= MAX_CHILDREN:
        raise DomainError(
            f"The number of children must be from 0 to {MAX_CHILDREN:,}; "
            f"got {children:,}."
        )
    _lock_seeding()
    staff = demo_staff_ensure()
    if if_empty and Child.objects.exists():
        return SeedResult(users=len(staff.users), caseload=None)
    counts = demo_caseload_create(
        staff=staff,
        children=children,
        seed=seed,
        today=today or timezone.localdate(),
        batch_size=batch_size,
        on_batch=on_batch,
    )
    return SeedResult(users=len(staff.users), caseload=counts)


def _lock_seeding() -> None:
    # Two processes starting at once (web and worker both run `make run`'s
    # seed_demo --if-empty) must not both find the table empty.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEED_LOCK_KEY])


def demo_caseload_create(
    *,
    staff: DemoStaff,
    children: int,
    seed: int,
    today: date,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> CaseloadCounts:
    """Bulk-insert `children` synthetic children with their episodes, plans,
    allocations and key people; return what was created."""
    first_number = _next_child_number()
    room = LAST_CHILD_NUMBER - first_number + 1
    if children > room:
        raise DomainError(
            f"Only {room:,} demo LA child IDs are left (C{first_number:07d} to "
            f"C{LAST_CHILD_NUMBER}); ask for fewer children."
        )
    # Gaps between IDs make them look issued over time, within the room left.
    widest_gap = max(1, min(9, room // max(children, 1)))
    # The first free ID is part of the seed: a second run gets new children,
    # while a run on an empty database is reproducible.
    rng = random.Random(f"seed_demo:{seed}:{first_number}")
    builder = _CaseloadBuilder(rng=rng, today=today, staff=staff, children=children)
    counts = CaseloadCounts()
    number = first_number - 1
    while counts.children < children:
        batch = _Batch()
        for _ in range(min(batch_size, children - counts.children)):
            number += rng.randint(1, widest_gap) if widest_gap > 1 else 1
            builder.add_child(f"C{number:07d}", batch)
            counts.children += 1
        batch.insert(batch_size)
        counts.in_care += batch.in_care
        counts.on_plan += batch.on_plan
        counts.care_episodes += len(batch.episodes)
        counts.cp_plans += len(batch.plans)
        counts.allocations += len(batch.allocations)
        counts.key_people += len(batch.key_people)
        if on_batch is not None:
            on_batch(counts.children)
    return counts


FIRST_CHILD_NUMBER = 1_000_001
LAST_CHILD_NUMBER = 9_999_999
_DEMO_ID = re.compile(r"^C[0-9]{7}$")


def _next_child_number() -> int:
    highest = Child.objects.filter(la_child_id__regex=_DEMO_ID.pattern).aggregate(
        highest=Max("la_child_id")
    )["highest"]
    return max(FIRST_CHILD_NUMBER, int(highest[1:]) + 1 if highest else 0)


@dataclass
class _Batch:
    children: list[Child] = field(default_factory=list)
    episodes: list[CareEpisode] = field(default_factory=list)
    plans: list[CPPlanEpisode] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    key_people: list[KeyPerson] = field(default_factory=list)
    in_care: int = 0
    on_plan: int = 0

    def insert(self, batch_size: int) -> None:
        # Children first: the related rows take their child_id from the saved
        # child when they are bulk-inserted.
        Child.objects.bulk_create(self.children, batch_size=batch_size)
        CareEpisode.objects.bulk_create(self.episodes, batch_size=batch_size)
        CPPlanEpisode.objects.bulk_create(self.plans, batch_size=batch_size)
        Allocation.objects.bulk_create(self.allocations, batch_size=batch_size)
        KeyPerson.objects.bulk_create(self.key_people, batch_size=batch_size)


# --- weighted tables ------------------------------------------------------------------


class _Weighted:
    """Values with relative weights, sampled by bisection of the running total."""

    __slots__ = ("values", "totals")

    def __init__(self, pairs: Iterable[tuple[object, float]]):
        pairs = list(pairs)
        self.values = tuple(v for v, _ in pairs)
        self.totals = tuple(itertools.accumulate(w for _, w in pairs))

    def pick(self, rng: random.Random):
        return self.values[
            bisect.bisect_right(self.totals, rng.random() * self.totals[-1])
        ]


def _w(**weights: float) -> _Weighted:
    return _Weighted(weights.items())


# What the child's involvement with the service is. Roughly 60% are in care now
# (5% on short breaks), 30% have had a child protection plan (some both), and
# the rest had an IRO for a conference that made no plan.
_KIND = _w(care=44, short_break=5, care_plan=11, plan=19, left_care=3, history=18)

# Age bands in years (inclusive) by kind, shaped like the national figures:
# children in care are mostly 10 and over, children on plans mostly younger.
_AGE_BANDS = {
    "care": _Weighted(
        [((0, 0), 5), ((1, 4), 13), ((5, 9), 17), ((10, 15), 39), ((16, 17), 26)]
    ),
    "care_plan": _Weighted(
        [((0, 0), 12), ((1, 4), 28), ((5, 9), 25), ((10, 15), 30), ((16, 17), 5)]
    ),
    "plan": _Weighted(
        [((0, 0), 11), ((1, 4), 27), ((5, 9), 29), ((10, 15), 29), ((16, 17), 4)]
    ),
    "short_break": _Weighted([((5, 9), 30), ((10, 15), 50), ((16, 17), 20)]),
    "left_care": _Weighted([((1, 4), 20), ((5, 9), 30), ((10, 15), 35), ((16, 17), 15)]),
}
_AGE_BANDS["history"] = _AGE_BANDS["plan"]

_GENDER = _w(male=50, female=48, other=1, unknown=1)

_ETHNICITY = _w(
    WBRI=64, WIRI=0.5, WIRT=0.7, WROM=1.0, WOTH=5, MWBC=3, MWBA=1.5, MWAS=1.5,
    MOTH=3, AIND=1.5, APKN=2, ABAN=1, AOTH=1.5, BCRB=1.5, BAFR=4, BOTH=1.5,
    CHNE=0.3, OOTH=2.5, REFU=0.5, NOBT=1,
)

_CATEGORY_OF_NEED = _w(N1=63, N2=3, N3=3, N4=8, N5=12, N6=2, N7=0.3, N8=8.7)

# A care period's first legal status; L1/L2 (police protection, emergency
# protection order) last days, so they are always followed by another episode.
_FIRST_LEGAL_STATUS = _w(V2=38, C1=38, C2=6, L1=6, L2=8, J1=2, J2=2)
# What a legal status usually becomes ("L" or "T" change).
_NEXT_LEGAL_STATUS = {
    "L1": ("V2", "C1"),
    "L2": ("C1",),
    "V2": ("C1",),
    "C1": ("C2",),
    "C2": ("E1",),
    "J1": ("V2",),
    "J2": ("V2",),
}
_CHANGE_REASON = _w(P=55, L=25, T=20)
_EPISODE_COUNT = _Weighted([(1, 50), (2, 32), (3, 18)])
# Whole years in care so far, for a child in care now.
_YEARS_IN_CARE = _Weighted([(0, 35), (1, 25), (2, 15), (3, 10), (5, 10), (8, 5)])

_PLACEMENT_BY_AGE = (
    (0, _w(U6=50, U3=15, U4=5, U5=10, R3=10, P1=10)),
    (1, _w(U6=45, U3=20, U4=15, U1=5, U5=5, P1=10)),
    (5, _w(U6=35, U4=30, U3=15, U1=8, P1=7, K2=5)),
    (10, _w(U6=25, U4=25, U3=8, U1=6, K2=25, P1=5, S1=3, R1=1, R2=1, K1=1)),
    (16, _w(U6=15, U4=20, U3=5, U1=3, K2=20, H5=32, P1=3, S1=2)),
)
_PLACEMENT_BY_LEGAL_STATUS = {
    "E1": _w(A5=35, A6=35, A3=5, A4=5, U6=20),
    "J1": _w(K1=10, R5=25, U6=35, K2=30),
    "J2": _w(U6=50, K2=50),
    "V3": _w(U6=45, K2=55),
    "V4": _w(U6=45, K2=55),
}
_UASC_PLACEMENT_UNDER_16 = _w(U6=75, K2=25)
_UASC_PLACEMENT_16_PLUS = _w(U6=30, H5=60, K2=10)
# Only a care order lets a looked-after child be placed with a parent.
_PARENT_PLACEMENT_LEGAL_STATUSES = frozenset({"C1", "C2"})

_PERIOD_END_REASON = _w(E4A=45, E4B=10, E13=15, E41=10, E46=5, E48=10, E8=5)
_CATEGORY_OF_ABUSE = _w(NEG=48, EMO=37, PHY=8, SAB=4, MUL=3)
_PLAN_END_REASON = _w(no_longer_at_risk=90, moved_to_other_la=8, left_uk=2)

_FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
_KINSHIP = frozenset({"U1", "U2", "U3"})
_ADOPTION = frozenset({"A3", "A4", "A5", "A6"})

# --- names ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Community:
    boys: tuple[str, ...]
    girls: tuple[str, ...]
    surnames: tuple[str, ...]
    # First language of a child born here; new arrivals speak `home_language`.
    languages: _Weighted
    home_language: str = "English"


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ENGLISH_ONLY = _w(English=1)

COMMUNITIES: dict[str, _Community] = {
    "english": _Community(
        _names(
            "Oliver George Harry Noah Jack Leo Charlie Freddie Alfie Archie Oscar "
            "Arthur Henry Theo Thomas Jacob Joshua Logan Riley Mason Tyler Kai Callum "
            "Jayden Reece Liam Connor Lewis Kieran Ethan Dylan Jake Ryan Aaron Bailey "
            "Max Finley Tommy Ronnie Lucas Harvey Ellis Jamie Sam Ben Daniel Luke "
            "Corey Brandon Kyle Jenson Frankie Teddy Stanley Louie Ollie"
        ),
        _names(
            "Olivia Amelia Isla Ava Lily Freya Ivy Florence Willow Poppy Sophia "
            "Grace Evie Ella Isabella Mia Rosie Millie Daisy Ruby Chloe Megan "
            "Jessica Holly Leah Courtney Chelsea Kayla Amber Lacey Paige Caitlin "
            "Bethany Jade Summer Lexi Harper Maisie Scarlett Skye Charlotte Emily "
            "Hannah Lucy Sophie Erin Abbie Keira Tia Ellie-Mae Phoebe Alice"
        ),
        _names(
            "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson "
            "Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall "
            "Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris "
            "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips "
            "Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook "
            "Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards "
            "Marshall Simpson Ellis Adams Wilkinson Foster Chapman Mason Webb Rogers "
            "Gray Hunt Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker "
            "Fisher Stevens Jenkins Dixon Fletcher Howard Pearson Brooks Owen Hart"
        ),
        _ENGLISH_ONLY,
    ),
    "irish": _Community(
        _names("Sean Patrick Conor Cian Oisin Darragh Michael Ronan Fionn Cillian"),
        _names("Aoife Siobhan Ciara Roisin Niamh Orla Saoirse Bridget Sinead Clodagh"),
        _names(
            "Murphy Kelly O'Brien O'Connor Byrne Ryan Doyle McCarthy Gallagher "
            "Walsh Quinn Brennan Kavanagh Doherty"
        ),
        _ENGLISH_ONLY,
    ),
    "traveller": _Community(
        _names("Patrick John-Joe Michael Martin Thomas Jimmy Paddy Christy Francie"),
        _names("Mary Bridget Kathleen Margaret Nora Ellen Mary-Kate Winnie Josie"),
        _names("Ward McDonagh Joyce Connors Maughan Delaney Doran Cash Stokes Gavin"),
        _ENGLISH_ONLY,
    ),
    "roma": _Community(
        _names("Florin Marius Ionut Denis Adrian Levi Elijah Mihai Gabriel Robert"),
        _names("Roxana Denisa Bianca Violet Cerise Alina Mirela Sabina Ramona"),
        _names(
            "Lee Boswell Price Lovell Stanciu Dumitru Lakatos Balogh Cioaba Lazar"
        ),
        _w(English=55, Romanian=30, Romani=15),
        "Romanian",
    ),
    "polish": _Community(
        _names("Jakub Kacper Filip Szymon Oliwer Antoni Mateusz Dominik Bartosz"),
        _names("Zuzanna Julia Maja Oliwia Lena Wiktoria Natalia Zofia Hanna"),
        _names(
            "Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Zielinski "
            "Szymanski Mazur Krawczyk"
        ),
        _w(English=60, Polish=40),
        "Polish",
    ),
    "romanian": _Community(
        _names("Andrei Matei Stefan Alexandru David Darius Luca Rares Vlad"),
        _names("Ioana Elena Maria Andreea Daria Sofia Ana Bianca Alexandra"),
        _names("Popescu Ionescu Popa Radu Stan Munteanu Dinu Moldovan Rusu Ene"),
        _w(English=55, Romanian=45),
        "Romanian",
    ),
    "lithuanian": _Community(
        _names("Lukas Matas Jokubas Dominykas Nojus Kajus Benas Rokas"),
        _names("Emilija Gabija Urte Kamile Austeja Ugne Liepa Ema"),
        _names(
            "Kazlauskas Petrauskas Jankauskas Stankevicius Vasiliauskas "
            "Zukauskas Butkus Paulauskas"
        ),
        _w(English=55, Lithuanian=45),
        "Lithuanian",
    ),
    "pakistani": _Community(
        _names("Muhammad Ayaan Zain Hamza Ibrahim Yusuf Bilal Hassan Umar Rayyan Haris"),
        _names("Aisha Maryam Zara Hafsa Inaya Eesha Amira Fatima Khadija Alisha Hania"),
        _names(
            "Khan Hussain Ahmed Ali Akhtar Iqbal Mahmood Rashid Butt Aslam Riaz Bashir"
        ),
        _w(English=70, Urdu=15, Punjabi=15),
        "Urdu",
    ),
    "indian": _Community(
        _names("Arjun Aarav Dev Rohan Harjit Vihaan Krish Ravi Jaspreet Ishaan Karan"),
        _names("Priya Anika Simran Diya Navneet Asha Kiran Meera Riya Harleen Pooja"),
        _names(
            "Patel Sharma Singh Kaur Gill Sandhu Mistry Parmar Chauhan Solanki "
            "Bains Kumar"
        ),
        _w(English=75, Gujarati=10, Punjabi=15),
        "Gujarati",
    ),
    "bangladeshi": _Community(
        _names("Rahim Abdul Tanvir Sayeed Rayhan Imran Arif Sami Nabil"),
        _names("Nusrat Sadia Tasnim Farhana Rumana Jannat Sumaiya Tahmina Anisa"),
        _names("Miah Uddin Rahman Islam Chowdhury Hoque Ahmed Begum Khatun Alam"),
        _w(English=65, Bengali=20, Sylheti=15),
        "Bengali",
    ),
    "nigerian": _Community(
        _names("Oluwaseun Tobi David Daniel Chidi Emeka Tunde Samuel Ayo Femi"),
        _names("Temi Funmi Adaeze Chioma Blessing Precious Esther Ife Ngozi Tolu"),
        _names(
            "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Adebayo Ogunleye Obi Afolabi"
        ),
        _w(English=90, Yoruba=6, Igbo=4),
        "Yoruba",
    ),
    "ghanaian": _Community(
        _names("Kwame Kofi Kwabena Yaw Nana Kojo Kwesi Emmanuel"),
        _names("Ama Akosua Abena Efua Adwoa Afia Akua Yaa"),
        _names("Mensah Owusu Boateng Asante Appiah Osei Darko Agyeman Addo"),
        _w(English=90, Twi=10),
        "Twi",
    ),
    "somali": _Community(
        _names("Abdirahman Mohamed Abdullahi Yusuf Hamza Ayub Abdirizak Mustafe"),
        _names("Hodan Ayan Ifrah Sagal Najma Hibo Ikran Fadumo"),
        _names("Hassan Farah Warsame Abdi Ali Omar Jama Osman Mohamud Aden"),
        _w(English=65, Somali=35),
        "Somali",
    ),
    "eritrean": _Community(
        _names("Yonas Filmon Robel Kidane Senai Dawit Mebrahtu Natnael Abel"),
        _names("Selam Helen Ruta Feven Saba Luwam Semhar Eden"),
        _names("Tesfay Haile Gebremedhin Tekle Berhane Mehari Kidane Weldu Yohannes"),
        _w(English=60, Tigrinya=40),
        "Tigrinya",
    ),
    "caribbean": _Community(
        _names(
            "Jordan Tyrese Kyrie Marcus Jermaine Isaiah Malachi Kaiden Levi Nathaniel"
        ),
        _names("Kiara Shanice Aaliyah Tianna Jada Nia Imani Destiny Kezia Amani"),
        _names(
            "Campbell Brown Francis Gordon Grant Reid Thomas Williams Henry Bailey "
            "Lewis Clarke Samuels Forbes Edwards"
        ),
        _ENGLISH_ONLY,
    ),
    "chinese": _Community(
        _names("Ethan Jun Hao Kai Wei Ryan Zhi Jason Leon"),
        _names("Mei Ling Yan Chloe Xin Jasmine Joyce Yuki"),
        _names("Chen Wong Li Zhang Liu Lam Chan Cheung Ng Wang"),
        _w(English=60, Cantonese=25, Mandarin=15),
        "Mandarin",
    ),
    "afghan": _Community(
        _names(
            "Ahmad Mohammad Hamid Rahmatullah Zabihullah Farid Samiullah Naveed "
            "Nasir Wahid"
        ),
        _names("Zahra Fatima Maryam Mursal Parwana Shabnam Freshta Nargis"),
        _names("Ahmadzai Noori Safi Rahimi Stanikzai Karimi Hakimi Sultani Amiri"),
        _w(English=50, Pashto=25, Dari=25),
        "Pashto",
    ),
    "kurdish": _Community(
        _names("Karwan Rebin Aram Omar Ahmed Ali Hussein Mustafa Hiwa Dana"),
        _names("Shilan Rozhin Lana Noor Layla Hana Dilan Sara"),
        _names("Abdullah Rashid Karim Mahmoud Saleh Hamad Salih Aziz Osman Qadir"),
        _w(English=55, **{"Kurdish (Sorani)": 30, "Arabic": 15}),
        "Kurdish (Sorani)",
    ),
    "sudanese": _Community(
        _names("Mohamed Ahmed Osman Abdelrahman Mustafa Khalid Elfatih Mujtaba"),
        _names("Amna Fatima Sara Hiba Reem Alaa Tasneem"),
        _names("Abdalla Osman Elhassan Ibrahim Musa Adam Babiker Elamin"),
        _w(English=55, Arabic=45),
        "Arabic",
    ),
    "vietnamese": _Community(
        _names("Minh Duc Tuan Huy Nam Khoa Long Quang"),
        _names("Linh Trang Mai Ngoc Thao Huong Anh"),
        _names("Nguyen Tran Le Pham Hoang Vu Dang Bui"),
        _w(English=50, Vietnamese=50),
        "Vietnamese",
    ),
}

_COMMUNITY_BY_ETHNICITY: dict[str, _Weighted] = {
    "WBRI": _w(english=1),
    "WIRI": _w(irish=1),
    "WIRT": _w(traveller=1),
    "WROM": _w(roma=1),
    "WOTH": _w(polish=50, romanian=30, lithuanian=20),
    "AIND": _w(indian=1),
    "APKN": _w(pakistani=1),
    "ABAN": _w(bangladeshi=1),
    "AOTH": _w(afghan=60, vietnamese=40),
    "BCRB": _w(caribbean=1),
    "BAFR": _w(nigerian=35, ghanaian=20, somali=25, eritrean=20),
    "BOTH": _w(caribbean=50, nigerian=50),
    "CHNE": _w(chinese=1),
    "OOTH": _w(kurdish=60, sudanese=40),
    "REFU": _w(english=80, polish=10, caribbean=10),
    "NOBT": _w(english=80, polish=10, nigerian=10),
}
# Mixed heritage: one parent's community and the other's (the first is white).
_MIXED_OTHER_PARENT: dict[str, _Weighted] = {
    "MWBC": _w(caribbean=1),
    "MWBA": _w(nigerian=50, ghanaian=30, somali=20),
    "MWAS": _w(pakistani=40, indian=40, chinese=20),
    "MOTH": _w(caribbean=30, polish=20, kurdish=20, nigerian=30),
}

# Unaccompanied asylum-seeking children: mostly boys of 14 to 17.
_UASC_COMMUNITY = _w(afghan=30, eritrean=20, kurdish=20, sudanese=20, vietnamese=10)
_UASC_ETHNICITY = {
    "afghan": "AOTH",
    "eritrean": "BAFR",
    "kurdish": "OOTH",
    "sudanese": "OOTH",
    "vietnamese": "AOTH",
}

_DISABILITIES = (
    "Autism spectrum condition",
    "Severe learning disability and epilepsy",
    "Cerebral palsy; uses a wheelchair",
    "Global developmental delay",
    "Down's syndrome",
    "ADHD and a moderate learning disability",
    "Visual impairment",
    "Complex health needs; gastrostomy fed",
    "Profound and multiple learning disabilities",
)
_DEAF = "Profoundly deaf; uses British Sign Language"

_TOWNS = (
    "Millbrook", "Eastholme", "Kingsmere", "Northwold", "Hollinsby",
    "Wexcombe", "Stanbridge", "Calderbrook", "Redlands", "Oakhurst",
)
_STREETS = _names(
    "Station Church Mill Park Victoria Albert Queen's King's Grange Chapel Bridge "
    "Manor Meadow Orchard Willow Beech Cedar Elm Ash Holly Rowan Clifton Windsor "
    "Wellington Nelson Hawthorn Sycamore Lime Chestnut Hazel"
)
_STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Gardens")
# Inward-code letters of a real postcode never include C, I, K, M, O or V.
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_FOSTERING_SERVICES = (
    "Council Fostering Service",
    "Horizon Fostering (independent fostering agency)",
    "Foster Care Partners (independent fostering agency)",
    "Bright Futures Fostering (independent fostering agency)",
)
_CHILDRENS_HOMES = (
    "Willow Lodge children's home",
    "The Beeches children's home",
    "Hawthorn View children's home",
    "Oakhurst House children's home",
    "Cedar Court children's home",
)
_RESIDENTIAL_SETTINGS = {
    "K1": ("Kingsmere Secure Children's Home",),
    "H5": ("Stanbridge Supported Living", "Calder House Supported Lodgings"),
    "R1": ("Redlands Residential Care Home",),
    "R2": ("Children's ward, Millbrook General Hospital",),
    "R3": ("Eastholme Family Centre (parent and baby)",),
    "R5": ("HM Young Offender Institution",),
    "S1": ("Northwold Residential School",),
}
_SHORT_BREAK_HOMES = ("Rowan House short breaks unit", "Lime Tree short breaks unit")
_ADVOCACY_SERVICE = "Independent advocacy service"
_ADVOCACY_DETAILS = (
    "Wants an advocate to speak for them at reviews",
    "Has an advocate from the independent advocacy service",
    "Offered advocacy; would like help to write their views",
)
_LANGUAGE_OF_DEAF_CHILD = "British Sign Language"

# UPN check letters (DfE, "Unique Pupil Numbers: guide for schools and LAs").
_UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_LA = "999"


def upn_with_check_letter(digits: str) -> str:
    """Return a UPN: the check letter, then the 12 digits it was computed from."""
    total = sum(int(d) * weight for weight, d in enumerate(digits, start=2))
    return _UPN_CHECK_LETTERS[total % 23] + digits


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


