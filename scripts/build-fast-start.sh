#!/usr/bin/env bash
# Fast start (README "Fast start"; docs/BENCHMARKS.md "Start-up"): unpacks the server jar the way
# Spring Boot's tools mode does (an application jar plus lib/, which class data sharing needs: CDS
# cannot map classes out of nested jars) and records, from a training start, what the JDK that runs
# the script can keep: on JDK 25 and later an AOT cache (JEP 483/514: classes loaded and linked,
# and the profiles of the training start), before that a CDS archive (classes only).
#
# When the jar holds Spring AOT's generated context (the Maven build's process-aot), the training
# start runs it (-Dspring.aot.enabled=true), so the archive holds the classes of that start, and
# the node should be started with it too (docs/ARCHITECTURE.md, "Bean choices at run time").
# SPRING_AOT=off trains without it (the comparison of docs/BENCHMARKS.md, "Start-up").
#
#   scripts/build-fast-start.sh [JAR] [DEST]     default: target/callvault-*.jar -> target/fast-start
#   JDK 17-24: java -XX:SharedArchiveFile=DEST/callvault.jsa -Dspring.aot.enabled=true -XX:MaxGCPauseMillis=10 -jar DEST/callvault.jar
#   JDK 25+:   java -XX:AOTCache=DEST/callvault.aot -Dspring.aot.enabled=true -XX:MaxGCPauseMillis=10 -jar DEST/callvault.jar
#   (JAVA_HOME chooses the JDK: the one that builds the archive or cache must be the one that runs it)
#
# The archive belongs to this JDK and these jars: rebuild it after either changes (the JVM then
# ignores a stale archive and starts as slowly as before, unless -Xshare:on, or -XX:AOTMode=on for
# the AOT cache, makes it refuse).
set -euo pipefail
cd "$(dirname "$0")/.."
jar="${1:-$(ls target/callvault-*.jar | grep -v -e '-plain\.jar$' -e '\.original$' | head -n 1)}"
dest="${2:-target/fast-start}"
[ -f "$jar" ] || { echo "No server jar; build it first: ./mvnw -B package -DskipTests" >&2; exit 1; }
jar="$(realpath "$jar")"
dest="$(realpath -m "$dest")"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ "${java_major%%.*}" -ge 25 ]; then
  # Trained on C1 alone (-XX:TieredStopAtLevel=1): the cache replays the training's compilations at
  # every start, and C2's share of them took one of the two cores for the whole start. The media
  # warm-ups do not run in the training start (org.callvault.system.TrainingStart), so the media path
  # is not frozen at C1's final level 1 and reaches C2 as before (docs/BENCHMARKS.md, "Fast start:
  # trained on C1").
  cache="$dest/callvault.aot"; record=(-XX:AOTCacheOutput="$cache" -XX:TieredStopAtLevel=1); use="-XX:AOTCache=$cache"
else
  cache="$dest/callvault.jsa"; record=(-XX:ArchiveClassesAtExit="$cache"); use="-XX:SharedArchiveFile=$cache"
fi

rm -rf "$dest"
"$java_bin" -Djarmode=tools -jar "$jar" extract --destination "$dest" --application-filename callvault.jar
spring_aot=()
# (unzip -l with a name: exit 0 only if the jar holds it)
if [ "${SPRING_AOT:-on}" != off ] \
    && unzip -l "$dest/callvault.jar" 'org/callvault/CallVaultApplication__ApplicationContextInitializer.class' >/dev/null; then
  spring_aot=(-Dspring.aot.enabled=true)
fi

# The training start: the node starts as it would serve (every bean, Flyway on a scratch H2
# database, Netty and the SIP stack started, the ready runners run), then stops once ready
# (-Dcallvault.training-start=true, CallVaultApplication), and the JVM writes every class it loaded
# from the JDK, the application and lib/ into the archive (or the cache, with the start's profiles).
# Spring's spring.context.exit=onRefresh would stop before the lifecycle phase, whose classes
# (Netty's start, the SIP stack, libopus) were then read from the jars at every start.
training="$(mktemp -d)"
trap 'rm -rf "$training"' EXIT
(cd "$training" && "$java_bin" "${record[@]}" "${spring_aot[@]}" -XX:MaxGCPauseMillis=10 \
    -Dcallvault.training-start=true -jar "$dest/callvault.jar" \
    --server.port=0 --callvault.sip.port=0 --callvault.recordings.dir="$training/recordings" \
    --spring.datasource.url="jdbc:h2:file:$training/data/callvault" \
    --callvault.admin.password=fast-start-training-only >"$training/training.log" 2>&1) || {
  echo "The training start failed:" >&2; tail -n 40 "$training/training.log" >&2; exit 1; }
[ -s "$cache" ] || { echo "No archive was written to $cache" >&2; tail -n 40 "$training/training.log" >&2; exit 1; }
echo "Fast start ready in $dest: $java_bin $use ${spring_aot[*]} -XX:MaxGCPauseMillis=10 -jar $dest/callvault.jar"
