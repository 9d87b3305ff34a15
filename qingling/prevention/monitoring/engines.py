"""Where the rules run: DuckDB in this process, or Spark (local or a cluster).

An engine does three things only: expose each input file as the view ``raw_<table>``
(all columns as text, plus ``_line``; a date column the file already holds as a date,
such as a Parquet DATE, stays a date and `load` says so), define the statements of `rules.program`
(views, or tables when asked to materialize), and fetch rows. The statements are
DuckDB SQL; `SparkEngine` transpiles each with SQLGlot before running it. Reading the
files is the only code written twice, because each engine has its own reader.
"""

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import sqlglot

FORMATS = ("csv", "parquet")


class InputError(ValueError):
    """A file is missing or lacks a column the rules need (nothing can be judged)."""


class Engine(Protocol):
    name: str

    def load(
        self, table: str, path: Path, columns: Sequence[str], dates: Sequence[str] = ()
    ) -> frozenset[str]: ...

    def define(self, name: str, sql: str, *, materialize: bool) -> None: ...

    def fetch(self, sql: str) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...


def input_file(folder: Path, table: str) -> Path:
    """``<table>.csv`` or ``<table>.parquet`` in ``folder`` (not both)."""
    found = [folder / f"{table}.{fmt}" for fmt in FORMATS if (folder / f"{table}.{fmt}").is_file()]
    if not found:
        raise InputError(f"{folder}: no {table}.csv or {table}.parquet")
    if len(found) > 1:
        raise InputError(f"{folder}: both {table}.csv and {table}.parquet; keep one")
    return found[0]


def _missing(columns: Sequence[str], present: Sequence[str], path: Path) -> None:
    absent = [name for name in columns if name not in present]
    if absent:
        raise InputError(f"{path.name}: no column {', '.join(absent)}")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class DuckDBEngine:
    """DuckDB in this process. ``threads`` and ``memory_limit`` (e.g. ``"8GB"``) default
    to DuckDB's own (all cores, 80 % of memory); it spills to ``temp_directory``."""

    name = "duckdb"

    def __init__(
        self,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_directory: str | None = None,
    ) -> None:
        import duckdb

        self.connection = duckdb.connect(":memory:")
        self.connection.execute("SET enable_progress_bar = false")
        self.connection.execute("SET autoinstall_known_extensions = false")
        if threads is not None:
            self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)?[KMGT]i?B", memory_limit):
                raise ValueError(f"{memory_limit!r} is not a size such as 8GB")
            self.connection.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_directory is not None:
            self.connection.execute(f"SET temp_directory = {_quote(Path(temp_directory))}")

    def load(
        self, table: str, path: Path, columns: Sequence[str], dates: Sequence[str] = ()
    ) -> frozenset[str]:
        """The raw view of ``path``; returns which of ``dates`` the file holds as DATE
        (passed on as dates: casting 100 million dates to text and parsing them back
        was most of the rules' time)."""
        if path.suffix == ".parquet":
            source = f"read_parquet({_quote(path)}, file_row_number = true)"
            line = "file_row_number + 1"
        else:
            # The header is line 1; ROW_NUMBER() OVER () follows the file's order
            # (DuckDB keeps insertion order), so row n is line n + 1.
            source = (
                f"read_csv({_quote(path)}, header = true, all_varchar = true, delim = ',', "
                "quote = '\"', null_padding = true, strict_mode = false)"
            )
            line = "ROW_NUMBER() OVER () + 1"
        kinds = {
            row[0]: row[1]
            for row in self.connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        }
        _missing(columns, list(kinds), path)
        typed = frozenset(name for name in dates if kinds[name] == "DATE")
        select = ", ".join(
            f'"{name}" AS {name}' if name in typed else f'CAST("{name}" AS VARCHAR) AS {name}'
            for name in columns
        )
        self.connection.execute(
            f"CREATE OR REPLACE TEMP VIEW raw_{table} AS SELECT {line} AS _line, {select} "
            f"FROM {source}"
        )
        return typed

    def define(self, name: str, sql: str, *, materialize: bool) -> None:
        kind = "TABLE" if materialize else "VIEW"
        self.connection.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}")

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql).fetchall()

    def close(self) -> None:
        self.connection.close()


class JavaMissing(RuntimeError):
    """There is no Java runtime for Spark, and CI=true says a Spark test may not skip."""


def java_path() -> str | None:
    import shutil

    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


def to_spark(sql: str) -> str:
    """The DuckDB statement in Spark SQL (SQLGlot)."""
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


class SparkEngine:
    """Spark through PySpark: ``master`` is ``local[*]`` (every core of this machine),
    ``local[2]``, or a cluster's URL. Pass ``session`` to reuse a running one."""

    name = "spark"

    def __init__(
        self,
        *,
        master: str = "local[*]",
        session: Any = None,
        shuffle_partitions: int = 8,
    ) -> None:
        if session is None:
            session = spark_session(master, shuffle_partitions=shuffle_partitions)
            self._own = True
        else:
            self._own = False
        self.spark = session
        self._cached: list[str] = []

    def load(
        self, table: str, path: Path, columns: Sequence[str], dates: Sequence[str] = ()
    ) -> frozenset[str]:
        from pyspark.sql import functions as F
        from pyspark.sql.types import DateType

        reader = self.spark.read
        if path.suffix == ".parquet":
            frame = reader.parquet(str(path))
            header = 0
        else:
            frame = reader.option("header", True).option("mode", "PERMISSIVE").csv(str(path))
            header = 1
        _missing(columns, frame.columns, path)
        typed = frozenset(
            name for name in dates if isinstance(frame.schema[name].dataType, DateType)
        )
        frame = frame.select(
            *(
                F.col(f"`{name}`").alias(name)
                if name in typed
                else F.col(f"`{name}`").cast("string").alias(name)
                for name in columns
            )
        )
        # A file's rows in order: within a partition, monotonically_increasing_id() counts
        # up from partition << 33; a file's partitions come in file order. So a row's line
        # is the rows of the partitions before it, plus its place in its own.
        frame = frame.withColumn("_id", F.monotonically_increasing_id())
        frame = frame.withColumn("_part", F.shiftright("_id", 33))
        sizes = dict(frame.groupBy("_part").count().collect())
        offsets, total = [], 0
        for part in sorted(sizes):
            offsets.append((part, total))
            total += sizes[part]
        offset = F.lit(0)
        for part, before in offsets:
            offset = F.when(F.col("_part") == part, F.lit(before)).otherwise(offset)
        line = F.col("_id") - F.shiftleft(F.col("_part"), 33) + offset + F.lit(1 + header)
        frame = frame.select(line.cast("long").alias("_line"), *columns)
        frame.createOrReplaceTempView(f"raw_{table}")
        return typed

    def define(self, name: str, sql: str, *, materialize: bool) -> None:
        frame = self.spark.sql(to_spark(sql))
        if materialize:
            frame = frame.cache()
            self._cached.append(name)
        frame.createOrReplaceTempView(name)

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(to_spark(sql)).collect()]

    def close(self) -> None:
        for name in self._cached:
            self.spark.catalog.dropTempView(name)
        self._cached.clear()
        if self._own:
            self.spark.stop()


def spark_session(master: str, *, shuffle_partitions: int = 8) -> Any:
    """A SparkSession for the rules: UTC, no web UI, few shuffle partitions (the month's
    aggregates are small). Raises JavaMissing without a Java runtime."""
    if java_path() is None:
        raise JavaMissing("no Java runtime (apt-get install default-jre-headless)")
    import logging

    from pyspark.sql import SparkSession

    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = (
        SparkSession.builder.master(master)
        .appName("qingling-monitor")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.driver.memory", os.environ.get("QINGLING_SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def spark_or_skip(master: str = "local[2]") -> Iterator[Any]:
    """A SparkSession for tests. Without Java the test is skipped, except under
    ``CI=true``, where it fails with JavaMissing (as `core.browser.chromium` does)."""
    if java_path() is None:
        missing = "no Java runtime for Spark (apt-get install default-jre-headless)"
        if os.environ.get("CI") == "true":
            raise JavaMissing(missing)
        import pytest

        pytest.skip(missing)  # a developer's machine without Java; never in CI
    session = spark_session(master, shuffle_partitions=2)
    try:
        yield session
    finally:
        session.stop()


def store_parquet(path: Path, target: Path, columns: Sequence[str]) -> int:
    """Keep one input file as Parquet at ``target``, every column as text and in the
    file's order (so the engine's row n is the CSV's line n + 1), bad rows included: the
    rules judge the stored month again on its deadline. Returns the rows kept."""
    import duckdb

    connection = duckdb.connect(":memory:")
    try:
        connection.execute("SET enable_progress_bar = false")
        if path.suffix == ".parquet":
            source = f"read_parquet({_quote(path)})"
        else:
            source = (
                f"read_csv({_quote(path)}, header = true, all_varchar = true, delim = ',', "
                "quote = '\"', null_padding = true, strict_mode = false)"
            )
        present = [
            row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        ]
        _missing(columns, present, path)
        select = ", ".join(f'CAST("{name}" AS VARCHAR) AS {name}' for name in columns)
        connection.execute(
            f"COPY (SELECT {select} FROM {source}) TO {_quote(target)} (FORMAT parquet)"
        )
        row = connection.execute(f"SELECT COUNT(*) FROM read_parquet({_quote(target)})").fetchone()
        return int(row[0]) if row else 0
    finally:
        connection.close()
