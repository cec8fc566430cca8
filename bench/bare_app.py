"""The floor for bench/scale.py's save benchmark: a bare Flask endpoint that inserts one row
(JSON in, JSON out, one INSERT through SQLAlchemy Core) in the same database, served by the
same server. Whatever Klankbord's POST costs above this is ours to answer for."""
from __future__ import annotations

import os
import uuid

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, insert

engine = create_engine(os.environ["DATABASE_URL"])
if engine.dialect.name == "sqlite":
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # as webapp/__init__.py sets them
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
metadata = MetaData()
rows = Table("bare_rows", metadata, Column("id", Integer, primary_key=True),
             Column("client_id", String(36), unique=True), Column("text", Text))
metadata.create_all(engine)

app = Flask(__name__)


@app.post("/rows")
def create_row():
    data = request.get_json()
    client_id = str(uuid.UUID(data["client_id"]))
    with engine.begin() as connection:
        row_id = connection.execute(insert(rows).values(client_id=client_id, text=data["text"])).inserted_primary_key[0]
    return jsonify({"id": row_id, "client_id": client_id}), 201
