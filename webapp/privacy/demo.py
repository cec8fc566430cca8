"""The demo's privacy settings: the texts a LEARN-like project would write (controller,
contact, purposes in Dutch, English and Arabic); the periods stay the defaults."""
from __future__ import annotations

from ..extensions import db
from ..projects.models import Project
from .models import InstallationPrivacy, ProjectPrivacy

PURPOSES = {
    "nl": "Leren van de ervaringen van statushouders, werkgevers, gemeenten en andere partners met werk, "
          "en daaruit aanbevelingen voor beleid schrijven (rapport van het lerend netwerk).",
    "en": "To learn from the experience of permit holders, employers, municipalities and other partners with "
          "work, and to write policy recommendations from it (the learning network's report).",
    "ar": "التعلّم من تجارب الحاصلين على الإقامة وأصحاب العمل والبلديات والشركاء الآخرين في مجال العمل، "
          "وكتابة توصيات للسياسات بناءً عليها (تقرير شبكة التعلّم).",
}


def load_privacy_demo(project: Project) -> None:
    if db.session.get(InstallationPrivacy, 1) is None:
        db.session.add(InstallationPrivacy(id=1, controller="Klankbord demo", contact="privacy@klankbord.test",
                                           dpo="Functionaris gegevensbescherming (demo), fg@klankbord.test",
                                           security_notes=""))
    if db.session.query(ProjectPrivacy).filter_by(project_id=project.id).first() is None:
        db.session.add(ProjectPrivacy(project_id=project.id, controller="", contact="privacy@learn.klankbord.test",
                                      texts={code: {"purposes": text, "notes": ""} for code, text in PURPOSES.items()}))
