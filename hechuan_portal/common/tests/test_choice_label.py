"""choice_label: the label of a stored choice in the active language, the raw value otherwise."""

from django.utils import translation

from hechuan_portal.common.formatting import choice_label, choice_labels
from hechuan_portal.residents.models import Gender, HukouStatus, Resident


def test_a_stored_choice_reads_as_its_label_in_the_active_language():
    with translation.override("zh-hans"):
        assert choice_label(HukouStatus, "deceased") == "死亡"
    with translation.override("en"):
        assert choice_label(Gender, "F") == Resident(gender="F").get_gender_display() != "F"


def test_a_value_outside_the_choices_reads_as_itself_as_django_shows_it():
    assert choice_label(HukouStatus, "unknown") == "unknown"
    assert Resident(gender="").get_gender_display() == ""


def test_choice_labels_give_every_label_as_choice_label_does():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels = choice_labels(HukouStatus)
            assert labels == {value: choice_label(HukouStatus, value) for value in HukouStatus.values}
