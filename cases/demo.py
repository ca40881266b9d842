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

from django.conf import settings
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
    # Two processes starting together, each running seed_demo --if-empty, must
    # not both find no children and both add a caseload.
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
    if children > max(room, 0):
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
        # With DEBUG on, Django keeps the SQL of recent queries, and a 2,000-row
        # insert is long: forget it, unless a test is capturing queries.
        if settings.DEBUG and not connection.force_debug_cursor:
            connection.queries_log.clear()
        counts.in_care += batch.in_care
        counts.on_plan += batch.on_plan
        counts.care_episodes += len(batch.episodes)
        counts.cp_plans += len(batch.plans)
        counts.allocations += len(batch.allocations)
        counts.key_people += len(batch.key_people)
        for extension in _EXTENSIONS:
            extension(
                DemoBatch(
                    batch.children, batch.episodes, batch.plans, batch.allocations
                ),
                rng=rng,
                today=today,
                staff=staff,
            )
        if on_batch is not None:
            on_batch(counts.children)
    return counts


@dataclass(frozen=True)
class DemoBatch:
    """The rows one batch of demo children was given, saved and with their ids."""

    children: list[Child]
    episodes: list[CareEpisode]
    plans: list[CPPlanEpisode]
    allocations: list[Allocation]


# Apps built on the child record (meetings, LADO, Regulation 44) add their demo rows
# for each batch through this hook, so that this app never imports them.
_EXTENSIONS: list[Callable[..., None]] = []


def demo_extension_register(extension: Callable[..., None]) -> Callable[..., None]:
    """Register `extension(batch, *, rng, today, staff)` to run after each batch."""
    if extension not in _EXTENSIONS:
        _EXTENSIONS.append(extension)
    return extension


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
    "left_care": _Weighted(
        [((1, 4), 20), ((5, 9), 30), ((10, 15), 35), ((16, 17), 15)]
    ),
}
_AGE_BANDS["history"] = _AGE_BANDS["plan"]

_GENDER = _w(male=50, female=48, other=1, unknown=1)

_ETHNICITY = _w(
    WBRI=64,
    WIRI=0.5,
    WIRT=0.7,
    WROM=1.0,
    WOTH=5,
    MWBC=3,
    MWBA=1.5,
    MWAS=1.5,
    MOTH=3,
    AIND=1.5,
    APKN=2,
    ABAN=1,
    AOTH=1.5,
    BCRB=1.5,
    BAFR=4,
    BOTH=1.5,
    CHNE=0.3,
    OOTH=2.5,
    REFU=0.5,
    NOBT=1,
)

_CATEGORY_OF_NEED = _w(N1=63, N2=3, N3=3, N4=8, N5=12, N6=2, N7=0.3, N8=8.7)

# A care period's first legal status; L1/L2 (police protection, emergency
# protection order) last days, so they are always followed by another episode.
_FIRST_LEGAL_STATUS = _w(V2=30, C1=46, C2=6, L1=6, L2=8, J1=2, J2=2)
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
# Legal statuses that last days, with their longest length in days.
_BRIEF_LEGAL_STATUS_DAYS = {"L1": 3, "L2": 8, "J2": 21}
_EPISODE_COUNT = _Weighted([(1, 50), (2, 32), (3, 18)])
# Whole years in care so far, for a child in care now.
_YEARS_IN_CARE = _Weighted([(0, 35), (1, 25), (2, 15), (3, 10), (5, 10), (8, 5)])

_PLACEMENT_BY_AGE = (
    (0, _w(U6=50, U3=15, U4=5, U5=10, R3=10, P1=10)),
    (1, _w(U6=45, U3=20, U4=15, U1=5, U5=5, P1=10)),
    (5, _w(U6=35, U4=30, U3=15, U1=8, P1=7, K2=5)),
    (10, _w(U6=25, U4=25, U3=8, U1=6, K2=25, P1=5, S1=3, R1=1, R2=1, K1=1)),
    (16, _w(U6=15, U4=20, U3=5, U1=3, K2=20, K3=32, P1=3, S1=2)),
)
_PLACEMENT_BY_LEGAL_STATUS = {
    "E1": _w(A5=35, A6=35, A3=5, A4=5, U6=20),
    "J1": _w(K1=10, R5=25, U6=35, K2=30),
    "J2": _w(U6=50, K2=50),
    "V3": _w(U6=45, K2=55),
    "V4": _w(U6=45, K2=55),
}
_UASC_PLACEMENT_UNDER_16 = _w(U6=75, K2=25)
_UASC_PLACEMENT_16_PLUS = _w(U6=30, K3=60, K2=10)
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
        _names("Lee Boswell Price Lovell Stanciu Dumitru Lakatos Balogh Cioaba Lazar"),
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
        _names(
            "Muhammad Ayaan Zain Hamza Ibrahim Yusuf Bilal Hassan Umar Rayyan Haris"
        ),
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
        _names("Okafor Adeyemi Okonkwo Balogun Eze Nwosu Adebayo Ogunleye Obi Afolabi"),
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
    "Millbrook",
    "Eastholme",
    "Kingsmere",
    "Northwold",
    "Hollinsby",
    "Wexcombe",
    "Stanbridge",
    "Calderbrook",
    "Redlands",
    "Oakhurst",
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
    "K3": ("Stanbridge Supported Living", "Calder House Supported Lodgings"),
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
_UPN_LA = "886"  # a valid post-1998 LA code (CIN rule 1530)


def upn_with_check_letter(digits: str) -> str:
    """Return a UPN: the check letter, then the 12 digits it was computed from."""
    total = sum(int(d) * weight for weight, d in enumerate(digits, start=2))
    return _UPN_CHECK_LETTERS[total % 23] + digits


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


# --- the caseload ---------------------------------------------------------------------


@dataclass(frozen=True)
class _SocialWorker:
    name: str
    email: str
    team: Team


class _CaseloadBuilder:
    """Makes one child's rows at a time, drawing from one seeded generator."""

    def __init__(
        self, *, rng: random.Random, today: date, staff: DemoStaff, children: int
    ):
        self.rng = rng
        self.today = today
        self.clock = selectors.clock_get()
        self._due_cache: dict[tuple[str, date], date] = {}
        self.iros = staff.iros
        self.manager = staff.users["manager"]
        self.tz = timezone.get_current_timezone()
        self.english = COMMUNITIES["english"]
        # About one social worker for every 15 children, at least two a team.
        per_team = max(2, children // 45)
        self.social_workers = {
            name: [self._social_worker(staff.teams[name]) for _ in range(per_team)]
            for name in SOCIAL_WORK_TEAMS
        }

    # --- small draws ---------------------------------------------------------------

    def _due(self, code: str, start: date) -> date:
        # Start dates repeat across thousands of children and the clock is pure,
        # so each (rule, start) is worked out once.
        key = (code, start)
        due = self._due_cache.get(key)
        if due is None:
            due = self._due_cache[key] = self.clock.due(code, start).due
        return due

    def _day_between(self, low: date, high: date) -> date:
        """Return a random day from `low` to `high`, or `low` if none is later."""
        span = (high - low).days
        return low + timedelta(days=self.rng.randint(0, span)) if span > 0 else low

    def _person_name(self, community: _Community, *, female: bool) -> tuple[str, str]:
        first = self.rng.choice(community.girls if female else community.boys)
        return first, self.rng.choice(community.surnames)

    def _mobile(self) -> str:
        return f"07700 900{self.rng.randint(0, 999):03d}"

    def _landline(self) -> str:
        return f"01632 960{self.rng.randint(0, 999):03d}"

    def _postcode(self) -> str:
        rng = self.rng
        letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
        return f"QX{rng.randint(1, 19)} {rng.randint(1, 9)}{letters}"

    def _address(self) -> str:
        rng = self.rng
        street = f"{rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}"
        town = rng.choice(_TOWNS)
        return f"{rng.randint(1, 180)} {street}\n{town}\n{self._postcode()}"

    def _social_worker(self, team: Team) -> _SocialWorker:
        community = self.english
        if self.rng.random() < 0.3:
            ethnicity = _ETHNICITY.pick(self.rng)
            if ethnicity in _COMMUNITY_BY_ETHNICITY:
                community = COMMUNITIES[
                    _COMMUNITY_BY_ETHNICITY[ethnicity].pick(self.rng)
                ]
        first, last = self._person_name(community, female=self.rng.random() < 0.8)
        email = f"{_slug(first)}.{_slug(last)}@example.org"
        return _SocialWorker(f"{first} {last}", email, team)

    def _at_nine(self, day: date) -> datetime:
        return datetime.combine(day, time(9, 0), tzinfo=self.tz)

    # --- one child -------------------------------------------------------------------

    def add_child(self, la_child_id: str, batch: _Batch) -> None:
        """Add one child and everything about them to `batch`."""
        rng, today = self.rng, self.today
        kind = _KIND.pick(rng)
        low, high = _AGE_BANDS[kind].pick(rng)
        # 18 years are at least 6,574 days; stay a few days short of that.
        days_old = rng.randint(low * 365, min((high + 1) * 365 - 1, 6_568))
        dob = today - timedelta(days=days_old)
        age = days_old // 365
        uasc = kind == "care" and age >= 14 and rng.random() < 0.25
        child, community = self._child(la_child_id, dob, age, kind=kind, uasc=uasc)
        batch.children.append(child)

        episodes: list[CareEpisode] = []
        plans: list[CPPlanEpisode] = []
        allocations: list[Allocation] = []
        care_team = rng.choice(CARE_TEAMS)
        if kind in ("care", "short_break", "care_plan"):
            care_started_on = self._period_start(dob, uasc=uasc, kind=kind)
            earlier: list[CareEpisode] = []
            if kind == "care" and not uasc and rng.random() < 0.15:
                earlier = self._earlier_period(child, dob, before=care_started_on)
            episodes = earlier + self._period(
                child,
                dob,
                care_started_on,
                until=today,
                short_break=kind == "short_break",
                uasc=uasc,
            )
            if kind == "care_plan":
                plans = [self._plan_before_care(child, dob, care_started_on)]
                involved_on = plans[0].started_on
                allocations += self._iro_allocations(child, involved_on, None)
                allocations += self._sw_allocations(
                    child,
                    involved_on,
                    SAFEGUARDING,
                    transfer=(care_team, care_started_on),
                )
            else:
                allocations += self._iro_allocations(child, care_started_on, None)
                allocations += self._sw_allocations(child, care_started_on, care_team)
            if earlier:
                # The same IRO where practicable when a child returns to care
                # (DOMAIN.md CIC-01).
                allocations.insert(
                    0,
                    self._iro(
                        child,
                        allocations[0].worker,
                        earlier[0].started_on,
                        earlier[-1].ended_on,
                    ),
                )
        elif kind == "plan":
            plans = self._plans(child, dob)
            current = plans[-1]
            allocations += self._iro_allocations(
                child, current.started_on, current.ended_on
            )
            allocations += self._sw_allocations(
                child, current.started_on, SAFEGUARDING, ended_on=current.ended_on
            )
        elif kind == "left_care":
            ended_on = self._day_between(
                max(dob + timedelta(days=60), today - timedelta(days=3 * 365)),
                today - timedelta(days=14),
            )
            started_on = self._day_between(
                max(dob, ended_on - timedelta(days=900)), ended_on
            )
            episodes = self._period(
                child,
                dob,
                started_on,
                until=ended_on,
                ends_with=(ended_on, _PERIOD_END_REASON.pick(rng)),
            )
            allocations += self._iro_allocations(child, started_on, ended_on)
            allocations += self._sw_allocations(
                child, started_on, care_team, ended_on=ended_on
            )
        else:
            allocations += self._conference_without_plan(child, dob)

        open_episode = episodes[-1] if episodes and episodes[-1].is_open else None
        batch.episodes += episodes
        batch.plans += plans
        batch.allocations += allocations
        batch.key_people += self._key_people(
            child, age, community, kind=kind, uasc=uasc, open_episode=open_episode
        )
        batch.in_care += open_episode is not None
        batch.on_plan += any(plan.is_open for plan in plans)

    def _child(
        self, la_child_id: str, dob: date, age: int, *, kind: str, uasc: bool
    ) -> tuple[Child, _Community]:
        """The child, and the community their family's names are drawn from."""
        rng = self.rng
        if uasc:
            community_key = _UASC_COMMUNITY.pick(rng)
            ethnicity = _UASC_ETHNICITY[community_key]
            gender = "male" if rng.random() < 0.92 else "female"
        else:
            community_key = None
            ethnicity = _ETHNICITY.pick(rng)
            gender = _GENDER.pick(rng)
        female = gender == "female" or (
            gender not in ("male", "female") and rng.random() < 0.5
        )
        if ethnicity in _MIXED_OTHER_PARENT:
            other = COMMUNITIES[_MIXED_OTHER_PARENT[ethnicity].pick(rng)]
            community = other if rng.random() < 0.5 else self.english
            first_from = self.english if community is other else other
            first = rng.choice(first_from.girls if female else first_from.boys)
            last = rng.choice(community.surnames)
            language = "English"
        else:
            community = COMMUNITIES[
                community_key or _COMMUNITY_BY_ETHNICITY[ethnicity].pick(rng)
            ]
            first, last = self._person_name(community, female=female)
            language = (
                community.home_language if uasc else community.languages.pick(rng)
            )
        interpreter = (
            language != "English" and age >= 4 and (uasc or rng.random() < 0.3)
        )
        disabled = kind == "short_break" or rng.random() < 0.07
        disability = ""
        if disabled:
            disability = _DEAF if rng.random() < 0.05 else rng.choice(_DISABILITIES)
            if disability == _DEAF and age >= 4:
                interpreter, language = True, _LANGUAGE_OF_DEAF_CHILD
        advocacy = age >= 8 and rng.random() < (0.35 if uasc else 0.1)
        upn = ""
        if 4 <= age <= 16 and not uasc and rng.random() < 0.9:
            year = (dob.year + 5) % 100
            upn = upn_with_check_letter(
                f"{_UPN_LA}{rng.randint(2000, 7099):04d}{year:02d}"
                f"{rng.randint(0, 999):03d}"
            )
        preferred = first[:3] if len(first) > 5 and rng.random() < 0.04 else ""
        child = Child(
            la_child_id=la_child_id,
            upn=upn,
            first_name=first,
            last_name=last,
            preferred_name=preferred,
            date_of_birth=dob,
            gender=gender,
            ethnicity=ethnicity,
            first_language=language,
            interpreter_needed=interpreter,
            interpreter_language=language if interpreter else "",
            advocacy_needed=advocacy,
            advocacy_details=rng.choice(_ADVOCACY_DETAILS) if advocacy else "",
            has_disability=disabled,
            disability_details=disability,
        )
        return child, community

    # --- periods of care ---------------------------------------------------------------

    def _period_start(self, dob: date, *, uasc: bool, kind: str) -> date:
        rng, today = self.rng, self.today
        if uasc:
            # Arrived in the country at 13 or over, within the last three years.
            earliest = max(
                dob + timedelta(days=13 * 365), today - timedelta(days=3 * 365)
            )
            return self._day_between(earliest, today)
        years = _YEARS_IN_CARE.pick(rng) if kind == "care" else rng.randint(0, 3)
        days_in_care = years * 365 + rng.randint(0, 364)
        return max(dob, today - timedelta(days=days_in_care))

    def _earlier_period(
        self, child: Child, dob: date, *, before: date
    ) -> list[CareEpisode]:
        """An earlier period of care that ended at least a month before `before`."""
        room = (before - dob).days
        if room < 120:
            return []
        ended_on = before - timedelta(
            days=self.rng.randint(30, min(room - 60, 3 * 365))
        )
        started_on = self._day_between(
            max(dob, ended_on - timedelta(days=730)), ended_on
        )
        return self._period(
            child,
            dob,
            started_on,
            until=ended_on,
            ends_with=(ended_on, _PERIOD_END_REASON.pick(self.rng)),
        )

    def _period(
        self,
        child: Child,
        dob: date,
        started_on: date,
        *,
        until: date,
        ends_with: tuple[date, str] | None = None,
        short_break: bool = False,
        uasc: bool = False,
    ) -> list[CareEpisode]:
        """The episodes of one period of care, open unless `ends_with` (date, REC).

        The first starts the period (RNE S) and carries its due dates; each later
        one ends its predecessor the day it starts, with reason X1, as
        services.care_episode_start does.
        """
        rng = self.rng
        span = (until - started_on).days  # days on which a later episode may start
        if short_break:
            # A series of short breaks recorded as one agreement (V4): V3 records
            # each stay as its own episode of at most 17 days (903 rules 365, 367).
            legal, count = "V4", 1
        elif uasc:
            legal, count = "V2", 1 if rng.random() < 0.6 else 2
        else:
            legal, count = _FIRST_LEGAL_STATUS.pick(rng), _EPISODE_COUNT.pick(rng)
            if legal in ("J1", "J2") and (started_on - dob).days < 10 * 365:
                legal = "V2"
        # Police protection (72 hours), emergency protection orders (8 days) and
        # PACE transfers (21 days) are brief: another legal status follows
        # within their limit (903 rules 361, 362, 364).
        longest = _BRIEF_LEGAL_STATUS_DAYS.get(legal)
        brief = longest is not None
        if brief and span < 1:
            legal, brief = "V2", False
        offsets: list[int] = []
        if brief:
            offsets.append(rng.randint(1, min(longest, span)))
        first_free = offsets[-1] + 1 if offsets else 1
        more = min(count - 1 - len(offsets), span - first_free + 1)
        if more > 0:
            offsets += sorted(rng.sample(range(first_free, span + 1), more))
        need = "N2" if short_break else "N8" if uasc else _CATEGORY_OF_NEED.pick(rng)
        placement = self._placement(dob, started_on, legal, uasc=uasc)
        postcode = self._postcode()
        episodes = [
            CareEpisode(
                child=child,
                started_on=started_on,
                reason_new_episode="S",
                legal_status=legal,
                category_of_need=need,
                placement_type=placement,
                placement_postcode=postcode,
                first_review_due_on=self._due(
                    "cic_short_break_1" if short_break else "cic_review_1", started_on
                ),
                pep_due_on=self._due("pep_initial", started_on),
            )
        ]
        for offset in offsets:
            start = started_on + timedelta(days=offset)
            reason = _CHANGE_REASON.pick(rng)
            if brief and len(episodes) == 1:
                reason = "L" if rng.random() < 0.5 else "T"
            next_legal = _NEXT_LEGAL_STATUS.get(legal, ())
            if next_legal == ("E1",) and (start - dob).days > 6 * 365:
                next_legal = ()  # placement orders are for young children
            if reason in ("L", "T") and not next_legal:
                reason = "P"
            if reason in ("L", "T"):
                legal = rng.choice(next_legal)
                if not _placement_allowed(placement, legal, uasc=uasc):
                    reason = "T"
            if reason in ("P", "T"):
                placement = self._placement(
                    dob, start, legal, uasc=uasc, instead_of=placement
                )
                postcode = self._postcode()
            _continue_period(episodes, start, reason, legal, placement, postcode)
        if ends_with is None:
            self._court_orders(episodes, dob, until)
        else:
            episodes[-1].ended_on, episodes[-1].reason_ended = ends_with
        return episodes

    def _court_orders(
        self, episodes: list[CareEpisode], dob: date, until: date
    ) -> None:
        """Let proceedings run their course in a period that is still open.

        An interim care order gives way to a full care order within about ten
        months; for some young children a placement order follows.
        """
        rng = self.rng
        last = episodes[-1]
        if last.legal_status == "C1" and (until - last.started_on).days > 300:
            start = last.started_on + timedelta(days=rng.randint(150, 300))
            _continue_period(
                episodes, start, "L", "C2", last.placement_type, last.placement_postcode
            )
            last = episodes[-1]
        if (
            last.legal_status == "C2"
            and (last.started_on - dob).days < 3 * 365
            and (until - last.started_on).days > 240
            and rng.random() < 0.5
        ):
            start = last.started_on + timedelta(days=rng.randint(120, 240))
            placement = rng.choice(("A5", "A6"))
            _continue_period(episodes, start, "T", "E1", placement, self._postcode())

    def _placement(
        self,
        dob: date,
        on: date,
        legal: str,
        *,
        uasc: bool = False,
        instead_of: str | None = None,
    ) -> str:
        age = (on - dob).days // 365
        if uasc:
            table = _UASC_PLACEMENT_16_PLUS if age >= 16 else _UASC_PLACEMENT_UNDER_16
        else:
            table = _PLACEMENT_BY_LEGAL_STATUS.get(legal) or next(
                t for low, t in reversed(_PLACEMENT_BY_AGE) if age >= low
            )
        for _ in range(6):
            placement = table.pick(self.rng)
            if placement != instead_of and _placement_allowed(
                placement, legal, uasc=uasc
            ):
                return placement
        return "U4" if instead_of == "U6" else "U6"

    # --- child protection plans ---------------------------------------------------------

    def _plan(
        self, child: Child, started_on: date, ended: tuple[date, str] | None = None
    ) -> CPPlanEpisode:
        """A plan starting on its conference date, with the clock's due dates.

        Conferences sit on working days (CIN rule 8875), so a weekend start moves
        back to the Friday, or forward to the Monday for a baby born that weekend.
        """
        if started_on.weekday() >= 5:
            friday = started_on - timedelta(days=started_on.weekday() - 4)
            monday = started_on + timedelta(days=7 - started_on.weekday())
            started_on = friday if friday >= child.date_of_birth else monday
        initial = _CATEGORY_OF_ABUSE.pick(self.rng)
        latest = initial
        if self.rng.random() < 0.15:
            latest = _CATEGORY_OF_ABUSE.pick(self.rng)
        ended_on, end_reason = ended or (None, "")
        if ended_on is not None and ended_on < started_on:
            ended_on = started_on  # the start moved past it to the Monday
        return CPPlanEpisode(
            child=child,
            started_on=started_on,
            initial_category=initial,
            latest_category=latest,
            ended_on=ended_on,
            end_reason=end_reason,
            first_review_due_on=self._due("cp_rcpc_1", started_on),
            core_group_due_on=self._due("cp_core_group_1", started_on),
        )

    def _plans(self, child: Child, dob: date) -> list[CPPlanEpisode]:
        """One current or recent plan, oldest first, sometimes after an earlier one."""
        rng, today = self.rng, self.today
        if (today - dob).days >= 120 and rng.random() < 0.35:
            started_on = self._day_between(
                max(dob, today - timedelta(days=4 * 365)), today - timedelta(days=90)
            )
            ended_on = self._day_between(
                started_on + timedelta(days=90),
                min(today, started_on + timedelta(days=730)),
            )
            plans = [
                self._plan(child, started_on, (ended_on, _PLAN_END_REASON.pick(rng)))
            ]
        else:
            started_on = self._day_between(max(dob, today - timedelta(days=540)), today)
            plans = [self._plan(child, started_on)]
        if (started_on - dob).days >= 240 and rng.random() < 0.15:
            earlier_end = self._day_between(
                max(dob + timedelta(days=120), started_on - timedelta(days=3 * 365)),
                started_on - timedelta(days=60),
            )
            earlier_start = self._day_between(
                max(dob, earlier_end - timedelta(days=540)), earlier_end
            )
            ended = (earlier_end, codes.CPPlanEndReason.NO_LONGER_AT_RISK)
            plans.insert(0, self._plan(child, earlier_start, ended))
        return plans

    def _plan_before_care(
        self, child: Child, dob: date, care_started_on: date
    ) -> CPPlanEpisode:
        """A plan that began before the child came into care; most end soon after."""
        started_on = self._day_between(
            max(dob, care_started_on - timedelta(days=400)), care_started_on
        )
        if self.rng.random() < 0.55:
            ended_on = self._day_between(
                care_started_on,
                min(self.today, care_started_on + timedelta(days=180)),
            )
            ended = (ended_on, codes.CPPlanEndReason.NO_LONGER_AT_RISK)
            return self._plan(child, started_on, ended)
        return self._plan(child, started_on)

    # --- allocations -----------------------------------------------------------------

    def _iro_allocations(
        self, child: Child, involved_on: date, ended_on: date | None
    ) -> list[Allocation]:
        """The child's IROs, oldest first; a quarter have changed IRO once."""
        rng = self.rng
        last_day = ended_on or self.today
        started_on = min(involved_on + timedelta(days=rng.randint(0, 5)), last_day)
        worker = rng.choice(self.iros)
        rows = []
        if rng.random() < 0.25 and (last_day - started_on).days > 30:
            handover = self._day_between(started_on + timedelta(days=30), last_day)
            rows.append(self._iro(child, worker, started_on, handover))
            worker = rng.choice([iro for iro in self.iros if iro != worker])
            started_on = handover
        rows.append(self._iro(child, worker, started_on, ended_on))
        return rows

    def _iro(
        self, child: Child, worker: User, started_on: date, ended_on: date | None
    ) -> Allocation:
        return Allocation(
            child=child,
            role=Allocation.Role.IRO,
            worker=worker,
            started_on=started_on,
            ended_on=ended_on,
            allocated_by=self.manager,
            # Past allocations: nobody is waiting to be told about them.
            notified_at=self._at_nine(started_on),
        )

    def _conference_without_plan(self, child: Child, dob: date) -> list[Allocation]:
        """An IRO who chaired an initial conference that made no plan."""
        rng, today = self.rng, self.today
        booked_on = self._day_between(max(dob, today - timedelta(days=3 * 365)), today)
        held_on = min(booked_on + timedelta(days=rng.randint(5, 20)), today)
        rows = [self._iro(child, rng.choice(self.iros), booked_on, held_on)]
        if rng.random() < 0.6:
            # Usually a child in need plan follows, with its social worker.
            ended_on = None
            if rng.random() < 0.5:
                ended_on = self._day_between(held_on, today)
            rows += self._sw_allocations(
                child, booked_on, SAFEGUARDING, ended_on=ended_on
            )
        return rows

    def _sw_allocations(
        self,
        child: Child,
        involved_on: date,
        team_name: str,
        *,
        ended_on: date | None = None,
        transfer: tuple[str, date] | None = None,
    ) -> list[Allocation]:
        """The child's social workers, oldest first.

        With `transfer` (a children in care team, the day the child came into
        care), the case moves there from the assessment team within weeks.
        """
        rng = self.rng
        last_day = ended_on or self.today
        started_on = min(involved_on + timedelta(days=rng.randint(0, 2)), last_day)
        worker = rng.choice(self.social_workers[team_name])
        change_on = None
        if transfer is not None:
            care_team, care_started_on = transfer
            moved_on = care_started_on + timedelta(days=rng.randint(10, 60))
            if started_on < moved_on <= last_day:
                change_on, team_name = moved_on, care_team
        elif rng.random() < 0.35 and (last_day - started_on).days > 60:
            change_on = self._day_between(started_on + timedelta(days=60), last_day)
        rows = []
        if change_on is not None:
            rows.append(self._social_work(child, worker, started_on, change_on))
            worker = rng.choice(
                [w for w in self.social_workers[team_name] if w != worker]
            )
            started_on = change_on
        rows.append(self._social_work(child, worker, started_on, ended_on))
        return rows

    def _social_work(
        self,
        child: Child,
        worker: _SocialWorker,
        started_on: date,
        ended_on: date | None,
    ) -> Allocation:
        return Allocation(
            child=child,
            role=Allocation.Role.SOCIAL_WORKER,
            worker_name=worker.name,
            worker_email=worker.email,
            team=worker.team,
            started_on=started_on,
            ended_on=ended_on,
            allocated_by=self.manager,
        )

    # --- key people ------------------------------------------------------------------

    def _key_people(
        self,
        child: Child,
        age: int,
        community: _Community,
        *,
        kind: str,
        uasc: bool,
        open_episode: CareEpisode | None,
    ) -> list[KeyPerson]:
        """Parents, carer and the professionals around the child."""
        rng = self.rng
        people: list[KeyPerson] = []
        if not uasc:
            if rng.random() < 0.93:
                people.append(self._parent(child, community, mother=True))
            if rng.random() < 0.7:
                people.append(self._parent(child, community, mother=False))
            if rng.random() < 0.1:
                first, last = self._person_name(community, female=rng.random() < 0.7)
                people.append(
                    KeyPerson(
                        child=child,
                        name=f"{first} {last}",
                        relationship=codes.KeyPersonRelationship.GRANDPARENT,
                        phone=self._landline(),
                        address=self._address(),
                    )
                )
        if open_episode is not None:
            carer = self._carer(child, open_episode.placement_type, kind=kind)
            if carer is not None:
                people.append(carer)
            if open_episode.legal_status == codes.LegalStatus.C1:
                people.append(
                    self._professional(
                        child,
                        codes.KeyPersonRelationship.GUARDIAN,
                        "Cafcass",
                        "cafcass.example.org",
                        "Children's guardian in the care proceedings",
                    )
                )
        if age >= 4:
            people.append(
                self._professional(
                    child,
                    codes.KeyPersonRelationship.TEACHER,
                    self._school(age),
                    "school.example.org",
                    "Designated teacher" if age < 16 else "Personal tutor",
                )
            )
        if age < 5:
            service, role = "0-19 Public Health Nursing Service", "Health visitor"
        elif open_episode is not None:
            service, role = "Children in Care Health Team", "Children in care nurse"
        else:
            service, role = "0-19 Public Health Nursing Service", "School nurse"
        people.append(
            self._professional(
                child,
                codes.KeyPersonRelationship.HEALTH,
                service,
                "nhs.example.org",
                role,
            )
        )
        if child.advocacy_needed:
            people.append(
                self._professional(
                    child,
                    codes.KeyPersonRelationship.ADVOCATE,
                    _ADVOCACY_SERVICE,
                    "advocacy.example.org",
                    "",
                )
            )
        return people

    def _parent(
        self, child: Child, community: _Community, *, mother: bool
    ) -> KeyPerson:
        rng = self.rng
        first, last = self._person_name(community, female=mother)
        if rng.random() < (0.6 if mother else 0.8):
            last = child.last_name
        restricted = rng.random() < (0.06 if mother else 0.04)
        notes = ""
        if restricted:
            notes = (
                "Lives in a refuge: address not to be shared with the father."
                if mother
                else "Non-molestation order: address not to be shared with the mother."
            )
        email = ""
        if rng.random() < 0.5:
            email = f"{_slug(first)}.{_slug(last)}{rng.randint(1, 99)}@example.com"
        return KeyPerson(
            child=child,
            name=f"{first} {last}",
            relationship=(
                codes.KeyPersonRelationship.MOTHER
                if mother
                else codes.KeyPersonRelationship.FATHER
            ),
            has_parental_responsibility=mother or rng.random() < 0.75,
            phone=self._mobile() if rng.random() < 0.9 else "",
            email=email,
            address=self._address() if restricted or rng.random() < 0.9 else "",
            is_address_restricted=restricted,
            notes=notes,
        )

    def _carer(self, child: Child, placement: str, *, kind: str) -> KeyPerson | None:
        """The foster carer, adopters or residential key worker, if any."""
        rng = self.rng
        if placement in _FOSTER or placement in _ADOPTION:
            first = rng.choice(self.english.girls)
            surname = rng.choice(self.english.surnames)
            relationship = codes.KeyPersonRelationship.FOSTER_CARER
            organisation, notes = rng.choice(_FOSTERING_SERVICES), ""
            if placement in _ADOPTION:
                relationship = codes.KeyPersonRelationship.OTHER
                organisation, notes = "Regional Adoption Agency", "Prospective adopter"
            elif placement in _KINSHIP:
                if rng.random() < 0.5:
                    surname = child.last_name
                organisation, notes = "", "Connected person (family or friends) carer"
            elif kind == "short_break":
                notes = "Short-break carer"
            name = f"{first} {surname}"
            if rng.random() < 0.6:
                name = f"{first} and {rng.choice(self.english.boys)} {surname}"
            return KeyPerson(
                child=child,
                name=name,
                relationship=relationship,
                organisation=organisation,
                phone=self._mobile(),
                email=f"{_slug(first)}.{_slug(surname)}@example.com",
                address=self._address(),
                notes=notes,
            )
        if placement == "K2":
            homes = _SHORT_BREAK_HOMES if kind == "short_break" else _CHILDRENS_HOMES
            setting = rng.choice(homes)
        elif placement in _RESIDENTIAL_SETTINGS:
            setting = rng.choice(_RESIDENTIAL_SETTINGS[placement])
        else:
            return None  # placed with a parent: the parents are listed already
        return self._professional(
            child,
            codes.KeyPersonRelationship.RESIDENTIAL_KEY_WORKER,
            setting,
            "care.example.org",
            "Key worker",
        )

    def _professional(
        self,
        child: Child,
        relationship: str,
        organisation: str,
        domain: str,
        notes: str,
    ) -> KeyPerson:
        first, last = self._person_name(self.english, female=self.rng.random() < 0.7)
        return KeyPerson(
            child=child,
            name=f"{first} {last}",
            relationship=relationship,
            organisation=organisation,
            phone=self._landline(),
            email=f"{_slug(first)}.{_slug(last)}@{domain}",
            notes=notes,
        )

    def _school(self, age: int) -> str:
        town = self.rng.choice(_TOWNS)
        if age <= 10:
            return self.rng.choice(
                (f"{town} Primary School", f"St Mary's C of E Primary School, {town}")
            )
        if age <= 15:
            return self.rng.choice((f"{town} Academy", f"{town} High School"))
        return f"{town} College"


def _continue_period(
    episodes: list[CareEpisode],
    start: date,
    reason: str,
    legal: str,
    placement: str,
    postcode: str,
) -> None:
    """End the open episode on `start` (X1) and open the next one that day."""
    previous = episodes[-1]
    previous.ended_on = start
    previous.reason_ended = codes.ReasonEpisodeCeased.X1
    episodes.append(
        CareEpisode(
            child=previous.child,
            started_on=start,
            reason_new_episode=reason,
            legal_status=legal,
            category_of_need=previous.category_of_need,
            placement_type=placement,
            placement_postcode=postcode,
        )
    )


def _placement_allowed(placement: str, legal: str, *, uasc: bool = False) -> bool:
    """Whether a placement type fits a legal status (and the child's situation)."""
    if placement == "P1":
        return legal in _PARENT_PLACEMENT_LEGAL_STATUSES and not uasc
    if placement in _ADOPTION:
        return legal == "E1"
    if placement in ("R5", "K1"):
        return legal in ("J1", "C2")  # custody, or a secure order on a care order
    return True
