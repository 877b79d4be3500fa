-- Members, chats and the audit log. Times are UTC epoch seconds everywhere.

CREATE TABLE members (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id   INTEGER UNIQUE,          -- NULL until the person is seen on Telegram
    username      TEXT COLLATE NOCASE,     -- without the @
    full_name     TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT 'vi' CHECK (language IN ('vi', 'en')),
    role          TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    started_at    INTEGER,                 -- when they sent /start (the bot may write to them)
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE UNIQUE INDEX members_username ON members (username) WHERE username IS NOT NULL;

CREATE TABLE chats (
    id             INTEGER PRIMARY KEY,    -- Telegram chat id
    type           TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    subscribed     INTEGER NOT NULL DEFAULT 0,
    subscribed_by  INTEGER,
    subscribed_at  INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    actor_id   INTEGER,                    -- Telegram user id; NULL for the system
    action     TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_log_at ON audit_log (at);
