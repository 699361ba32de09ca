"""Participant codes in tests: the database holds only a keyed digest and a sealed copy of each
(alongside.evaluation.pseudonym_key), so tests find people by digest and open codes with the
key, as the application does."""

from alongside.evaluation.pseudonym_key import digest, keyring


def by_code(code):
    """Filter arguments for the participant with this code: `filter(**by_code("SU-1"))`."""
    return {"code_digest": digest(code)}


def code_of(participant):
    return keyring().unseal(participant.code_sealed)


def codes(participants):
    """The codes of a queryset of participants, in its order."""
    return [keyring().unseal(s) for s in participants.values_list("code_sealed", flat=True)]


def open_code(sealed):
    return keyring().unseal(sealed)


def make_administrator(person):
    """Give a persona the administrator role as well: only administrators open codes."""
    from alongside.core.access import RoleCode, forget_principal
    from tests import factories

    factories.MembershipFactory(person=person, team=None, role=RoleCode.ADMINISTRATOR)
    forget_principal(person.user)
