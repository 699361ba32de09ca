"""Words the generator draws from. All invented for the demo; none describes a real person.

Referral reasons and hopes are short and in plain language, the way a clinician or a service user
might put it on a form, so that the demo reads like a working service without quoting anyone.
"""

GIVEN_NAMES: tuple[str, ...] = (
    "Aoife", "Ciara", "Niamh", "Siobhán", "Orla", "Gráinne", "Róisín", "Sinéad", "Aisling",
    "Caoimhe", "Éabha", "Clodagh", "Deirdre", "Mairéad", "Úna", "Bríd", "Maeve", "Fiona",
    "Sarah", "Emma", "Rachel", "Laura", "Karen", "Helen", "Joanne", "Michelle", "Yvonne",
    "Catherine", "Margaret", "Ann", "Teresa", "Patricia", "Noreen", "Agnieszka", "Olena",
    "Amara", "Priya", "Seán", "Ciarán", "Darragh", "Eoin", "Cian", "Oisín", "Pádraig",
    "Colm", "Dónal", "Fergal", "Niall", "Ronan", "Tadhg", "Declan", "Brendan", "Kevin",
    "Martin", "Paul", "John", "Michael", "Thomas", "David", "Mark", "Gerard", "Liam",
    "Conor", "Aidan", "Shane", "Barry", "Dermot", "Tomasz", "Andrius", "Tunde", "Alex",
    "Sam", "Jamie", "Robin",
)  # fmt: skip

FAMILY_NAMES: tuple[str, ...] = (
    "Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan",
    "O'Connor", "O'Neill", "O'Reilly", "Doyle", "McCarthy", "Gallagher", "O'Doherty",
    "Kennedy", "Lynch", "Murray", "Quinn", "Moore", "McLoughlin", "O'Carroll", "Connolly",
    "Daly", "O'Connell", "Wilson", "Dunne", "Brennan", "Burke", "Collins", "Campbell",
    "Clarke", "Johnston", "Hughes", "Farrell", "Fitzgerald", "Brown", "Martin", "Maguire",
    "Nolan", "Flynn", "Thompson", "Callaghan", "O'Donnell", "Duffy", "Mahony", "Boyle",
    "Healy", "O'Shea", "White", "Sweeney", "Hayes", "Kavanagh", "Power", "McGrath",
    "Moran", "Brady", "Stewart", "Casey", "Foley", "Fitzpatrick", "Leary", "McDonnell",
    "McMahon", "Donnelly", "Regan", "Donovan", "Burns", "Flanagan", "Mullan", "Barry",
    "Kowalski", "Nowak", "Okafor", "Petrauskas",
)  # fmt: skip

CONTACT_CHANNELS: tuple[str, ...] = (
    "Text first",
    "Phone is fine",
    "Text only, no calls",
    "Ring the landline",
    "Email works best",
    "Call from the team number, not a private one",
    "Voice notes welcome",
    "Prefers to arrange the next meeting in person",
)

CONTACT_TIMES: tuple[str, ...] = (
    "afternoons",
    "mornings after ten",
    "not on Mondays",
    "weekdays before five",
    "any time",
    "not during college hours",
    "late mornings",
    "avoid Thursdays (clinic day)",
)

REFERRAL_REASONS: tuple[str, ...] = (
    "Has lost touch with friends over the last year and says the days are long.",
    "Back home after a stay on the ward and finding it hard to get going again.",
    "Would like to talk to someone who has been through services themselves.",
    "Low confidence about going out alone; keen to try with some support.",
    "Struggling to make sense of a new diagnosis and what it means for the future.",
    "Wants help getting back into a routine after a long spell off work.",
    "Finds appointments overwhelming and often leaves without saying what matters.",
    "Recently moved to the area and knows nobody outside the family.",
    "Has been on the team's books for years and feels stuck.",
    "Interested in the recovery college but nervous about the first class.",
    "Sleep and mood have been poor since a bereavement in the spring.",
    "Asked the team directly whether a peer worker was available.",
)

HOPES: tuple[str, ...] = (
    "To get back to swimming once a week.",
    "To feel less alone in the evenings.",
    "To go back to college part-time.",
    "To manage the bus into town without a lift.",
    "To have a say in the next review meeting.",
    "To find some voluntary work.",
    "To reconnect with an old friend.",
    "To cook proper dinners again.",
    "To understand the medication well enough to ask questions.",
    "To join a walking group.",
    "To sleep through the night more often.",
    "To feel like themselves again.",
)
