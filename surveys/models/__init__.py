from .campaigns import Campaign, CampaignStatus, Quota
from .choices import (
    DIRECT_CHANNELS,
    ONLINE_CHANNELS,
    SCORE_MAX,
    SCORE_MIN,
    Channel,
    Form,
    Score,
    channel_form,
)
from .config import ConfigStamp
from .corrections import ResponseCorrection
from .invitations import Invitation, InvitationSource, SendStatus
from .questionnaires import Aspect, Question, Questionnaire
from .responses import (
    Answer,
    CommentTriage,
    RefusalCount,
    RefusalReason,
    Response,
    ResponseContact,
)
from .units import RespondentGroup, StaffProfile, Unit, UnitKind

__all__ = [
    "DIRECT_CHANNELS",
    "ONLINE_CHANNELS",
    "SCORE_MAX",
    "SCORE_MIN",
    "Answer",
    "Aspect",
    "Campaign",
    "CampaignStatus",
    "Channel",
    "CommentTriage",
    "ConfigStamp",
    "Form",
    "Invitation",
    "InvitationSource",
    "Question",
    "Questionnaire",
    "Quota",
    "RefusalCount",
    "RefusalReason",
    "RespondentGroup",
    "Response",
    "ResponseContact",
    "ResponseCorrection",
    "Score",
    "SendStatus",
    "StaffProfile",
    "Unit",
    "UnitKind",
    "channel_form",
]
