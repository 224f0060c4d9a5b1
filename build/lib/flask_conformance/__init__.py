"""flask-conformance: the "HTTP methods" lesson as a specification, and a grader for it."""

from .client import Client as Client
from .client import ConformanceFailure as ConformanceFailure
from .exchange import Exchange as Exchange
from .exchange import Request as Request
from .exchange import Response as Response
from .limits import Limits as Limits
from .loading import AppSpec as AppSpec
from .loading import LoadError as LoadError
from .requirements import REQUIREMENTS as REQUIREMENTS
from .requirements import Requirement as Requirement
from .sandbox import SandboxTransport as SandboxTransport
from .targets import Target as Target
from .targets import open_target as open_target
from .transport import HttpTransport as HttpTransport
from .transport import Transport as Transport
from .transport import WsgiTransport as WsgiTransport

__version__ = "0.1.0"
