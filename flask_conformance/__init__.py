"""flask-conformance: the "HTTP methods" lesson as a specification, and a grader for it."""

from .data.exchange import Exchange as Exchange
from .data.exchange import Request as Request
from .data.exchange import Response as Response
from .data.limits import Limits as Limits
from .data.requirements import REQUIREMENTS as REQUIREMENTS
from .data.requirements import Requirement as Requirement
from .sandbox.sandbox import SandboxTransport as SandboxTransport
from .targets.client import Client as Client
from .targets.client import ConformanceFailure as ConformanceFailure
from .targets.targets import Target as Target
from .targets.targets import open_target as open_target
from .transports.loading import AppSpec as AppSpec
from .transports.loading import LoadError as LoadError
from .transports.transport import HttpTransport as HttpTransport
from .transports.transport import Transport as Transport
from .transports.transport import WsgiTransport as WsgiTransport

__version__ = "0.1.0"
