"""Settings: the one reader of the environment (env prefix ASSISTANT_, optional .env file).

Build it once (``Settings()``) at the edge (CLI, app) and pass it in. Nothing else in the
package reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Where the index, the lexical store and the sessions database live.
    data_dir: Path = Path("data")
    # The shipped sample corpus, indexed on first start (found from any working directory).
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    # A shared Chroma server ("http://host:port"); None = embedded persistent Chroma in data_dir.
    chroma_url: str | None = None
    # Headers sent to that server, e.g. the token a reverse proxy in front of it checks: a JSON
    # object ('{"X-Chroma-Token": "..."}') or "Name: value" pairs separated by ";" or newlines.
    chroma_headers: SecretStr | None = None

    # Embedding used by the index. "hash" is weight-free and offline (the default, chosen by the
    # figures in README); "openai" uses the configured OpenAI-compatible endpoint.
    embedding: Literal["hash", "openai"] = "hash"
    embedding_model: str = "text-embedding-3-small"

    # Drafting engine: the offline drafter needs no model and is the default.
    engine: Literal["offline", "llm"] = "offline"
    llm_model: str = "gpt-4o-mini"
    temperature: float = 0.3
    # Seconds without a byte from the endpoint (streamed answers may take longer in total) and
    # retries; kept small so a dead endpoint falls back to the offline drafter within a minute.
    timeout: float = 30.0
    max_retries: int = 1
    # ASSISTANT_OPENAI_API_KEY wins over the usual OPENAI_API_KEY; same for the base URL.
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY"),
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ASSISTANT_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
    )

    # Largest file accepted at load (and by the app's uploaders), in MB.
    max_file_mb: float = 20.0
    # Limits that keep one user's request from stalling everyone on a shared app server:
    # facts per conversation, characters per fact, characters of a text to check or an edit.
    max_facts: int = Field(default=200, ge=1)
    max_fact_chars: int = Field(default=500, ge=1)
    max_draft_chars: int = Field(default=20_000, ge=1)
    # SQLite file of conversations, facts and drafts; default: data_dir / "sessions.sqlite3".
    sessions_db: Path | None = None
    # A shared database for several app processes (e.g. "postgresql://user:pw@host/assistant");
    # None = the embedded SQLite file above.
    database_url: str | None = None
    # Server secret that encrypts stored API keys (any long random string, the same on every
    # app process of a team). None = one is generated once into data_dir/secret.key (0600).
    secret_key: SecretStr | None = None
    # Who may change the shared 范文库 (upload, correct roles, delete) and who administers:
    # comma-separated user ids or e-mail addresses. The local single user is always admin.
    admins: Annotated[list[str], NoDecode] = []
    library_editors: Annotated[list[str], NoDecode] = []
    # The same roles from the identity provider: the claim of the signed-in user's ID token
    # that lists their roles or groups (e.g. "roles", "groups"; empty = not used), and the
    # values in it that make an admin or a 范文库 editor (comma-separated, case-insensitive).
    roles_claim: str = ""
    admin_claim_values: Annotated[list[str], NoDecode] = ["admin"]
    editor_claim_values: Annotated[list[str], NoDecode] = ["editor"]

    @field_validator("knowledge_dir")
    @classmethod
    def _find_knowledge(cls, value: Path) -> Path:
        # A relative folder that is not under the working directory but is under the project
        # (e.g. ASSISTANT_KNOWLEDGE_DIR=knowledge with the app started elsewhere) means the latter.
        if not value.is_absolute() and not value.exists() and (PROJECT_ROOT / value).exists():
            return PROJECT_ROOT / value
        return value

    @field_validator(
        "admins", "library_editors", "admin_claim_values", "editor_claim_values", mode="before"
    )
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip().lower() for v in value.split(",") if v.strip()]
        if isinstance(value, list | tuple):
            return [str(v).strip().lower() for v in value if str(v).strip()]
        return value

    @property
    def llm_configured(self) -> bool:
        """True when a key and/or base URL is set, so the LLM path may be tried."""
        return bool(self.openai_api_key) or bool(self.openai_base_url)

    @property
    def sessions_path(self) -> Path:
        return self.sessions_db or (self.data_dir / "sessions.sqlite3")

    @property
    def secret_key_path(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
