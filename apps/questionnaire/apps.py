from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    name = "apps.questionnaire"
    verbose_name = "Questionnaire"

    def ready(self) -> None:
        # A refusal that knows no form (the control-character 400) names this product's fields as its pages do.
        from apps.common.hostile import FIELD_NAMERS
        from apps.questionnaire.gone import field_in_words

        if field_in_words not in FIELD_NAMERS:
            FIELD_NAMERS.append(field_in_words)
