"""Build the running parts from the settings, once per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.engine import DialogueEngine
from core.config import Settings
from core.db import make_engine, make_session_factory
from core.migrate import upgrade
from knowledge_base.seed import SeedReport, seed_knowledge_base
from nlu.rasa_engine import RasaClient, RasaWithFallback
from nlu.service import NluService

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    nlu: NluService
    engine: DialogueEngine

    def close(self) -> None:
        self.db.dispose()


def seed(settings: Settings, sessions: sessionmaker[Session]) -> SeedReport:
    with sessions.begin() as session:
        return seed_knowledge_base(session, settings.knowledge_base_dir)


def load_nlu(settings: Settings) -> NluService:
    """The embedded NLU, ranking intents with Rasa when NLU_ENGINE=rasa."""
    service = NluService.load(settings.nlu_data_dir, settings.cache_dir / "nlu")
    if settings.nlu_engine != "rasa":
        return service
    log.info("NLU: Rasa at %s, the embedded engine when it fails", settings.rasa_url)
    client = RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout)
    return service.using(RasaWithFallback(client, service.classifier))


def build_app(
    settings: Settings, *, prepare_database: bool = False, nlu: NluService | None = None
) -> App:
    """Connect to the database (migrated and seeded first when asked) and load the NLU."""
    if prepare_database:
        upgrade(settings.database_url)
    db = make_engine(settings.database_url)
    sessions = make_session_factory(db)
    if prepare_database:
        log.info("knowledge base: %s", seed(settings, sessions))
    nlu = nlu or load_nlu(settings)
    engine = DialogueEngine(sessions, nlu, settings.nlu_confidence_threshold)
    return App(settings=settings, db=db, sessions=sessions, nlu=nlu, engine=engine)
