"""Imports every feature's models, so SQLAlchemy and Alembic see all tables."""
from .activities.models import Activity, activity_organisations  # noqa: F401
from .auth.models import User  # noqa: F401
from .projects.models import Project, ProjectMembership  # noqa: F401
from .findings.models import Contributor, Finding, FindingTranslation, finding_themes  # noqa: F401
from .organisations.models import Organisation, OrganisationAlias  # noqa: F401
from .reference.models import Abbreviation, GoodExample  # noqa: F401
from .reports.models import (PublicationOverride, Recommendation, RecommendationFinding, Report,  # noqa: F401
                             ReportBox, ReportChapter, ReportVersion, Source)
from .surveys.models import Answer, Invitation, Question, Response, Survey  # noqa: F401
from .themes.models import Theme  # noqa: F401
from .analysis.models import RejectedSuggestion  # noqa: F401,E402  (also the findings search index)
from .audit.models import AuditEntry  # noqa: F401,E402
from .review.models import (ReportVersionTexts, ReviewAssignment, ReviewComment,  # noqa: F401,E402
                           ReviewQuestion, ReviewRound)
from .mail.models import MailOptOut, OutgoingMessage  # noqa: F401,E402
from .outcome.models import OutcomeLink  # noqa: F401,E402
from .jobs.models import Job  # noqa: F401,E402
from .data_version import DataVersion  # noqa: F401,E402
from .refused_forms import RefusedForm  # noqa: F401,E402
from .glossary.models import GlossaryEntry  # noqa: F401,E402
from .privacy.models import InstallationPrivacy, ProjectPrivacy, PurgeRun  # noqa: F401,E402
from .photos.models import Photo, PhotoFinding  # noqa: F401,E402
from .reports.figures import ReportFigure  # noqa: F401,E402
