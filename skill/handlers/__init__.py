"""Every handler, in the order the SDK tries them: the first whose can_handle says yes answers.

Specific before general: Alexa's name-free check, events nobody spoke, and screen touches
(request types of their own, kept ahead of any catch-all), topic questions, then the symptom
check (whose questions take yes / no / help / repeat / start over / stop while they wait for an
answer), then conversation moves (more / yes / no / repeat), then the built-ins, then the
catch-all for intents this skill does not know.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler

from skill.handlers.builtins import BUILTIN_HANDLERS, UnknownIntentHandler
from skill.handlers.conversation import CONVERSATION_HANDLERS
from skill.handlers.daily_tip import AnotherTipHandler, DailyTipHandler
from skill.handlers.errors import ApologiseOnError
from skill.handlers.events import EventHandler
from skill.handlers.memory import MEMORY_HANDLERS, WelcomeHandler
from skill.handlers.name_free import CanFulfillHandler
from skill.handlers.reminders import REMINDER_HANDLERS
from skill.handlers.screens import TouchHandler
from skill.handlers.symptom_check import CHECK_HANDLERS
from skill.handlers.topics import TOPIC_HANDLERS


def request_handlers() -> list[AbstractRequestHandler]:
    return [
        CanFulfillHandler(),
        EventHandler(),        # skill, reminder, screen and messaging events: silent
        TouchHandler(),
        *TOPIC_HANDLERS,
        DailyTipHandler(),
        *CHECK_HANDLERS,
        AnotherTipHandler(),
        *MEMORY_HANDLERS,      # their yes/no (forget me?) go ahead of the general yes/no
        *REMINDER_HANDLERS,    # likewise for "what time?"
        WelcomeHandler(),      # launch: welcome back for a returning user
        *CONVERSATION_HANDLERS,
        *BUILTIN_HANDLERS,
        UnknownIntentHandler(),
    ]


def exception_handlers() -> list[AbstractExceptionHandler]:
    return [ApologiseOnError()]
