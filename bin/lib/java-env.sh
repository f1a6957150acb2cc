# Finds a JDK >= 21 for Vltava's scripts and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME if it is 21 or newer, then the newest JDK under /usr/lib/jvm
# (or under $VLTAVA_JVM_DIR when that is set).
# Sourced by bin/vltava and bin/test; prints a clear message and exits 1 when none is found.

vltava_java_major() {
    # Prints the major version of the java binary in $1, or nothing if it cannot run. Reads the JDK's
    # release file when there is one (instant, with shell builtins only), else asks the JVM.
    local java="$1" home version="" line
    home="${java%/bin/java}"
    if [ -f "$home/release" ]; then
        while IFS= read -r line; do
            case "$line" in
                JAVA_VERSION=*) version="${line#JAVA_VERSION=\"}"; version="${version%\"}"; break ;;
            esac
        done <"$home/release"
    fi
    if [ -z "$version" ]; then
        version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
    fi
    case "$version" in
        1.*) version="${version#1.}" ;;
    esac
    echo "${version%%.*}"
}

vltava_find_java() {
    local required=21 candidate major best="" best_major=0 seen=""
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        major=$(vltava_java_major "$JAVA_HOME/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$required" ]; then
            export JAVA_HOME JAVA="$JAVA_HOME/bin/java"
            return 0
        fi
        seen="$seen  JAVA_HOME=$JAVA_HOME (Java ${major:-unknown})\n"
    fi
    for candidate in "${VLTAVA_JVM_DIR:-/usr/lib/jvm}"/*; do
        [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        [ -L "$candidate" ] && continue
        major=$(vltava_java_major "$candidate/bin/java")
        [ -n "$major" ] || continue
        seen="$seen  $candidate (Java $major)\n"
        if [ "$major" -ge "$required" ] && [ "$major" -gt "$best_major" ]; then
            best="$candidate"
            best_major="$major"
        fi
    done
    if [ -z "$best" ]; then
        {
            echo "Vltava needs a JDK $required or newer, and none was found."
            if [ -n "$seen" ]; then
                printf "Found only:\n%b" "$seen"
            else
                echo "Looked at \$JAVA_HOME and ${VLTAVA_JVM_DIR:-/usr/lib/jvm}/*."
            fi
            echo "Install one (your distribution's openjdk-21 or newer, or Temurin from adoptium.net) and set JAVA_HOME to it."
        } >&2
        exit 1
    fi
    JAVA_HOME="$best"
    export JAVA_HOME JAVA="$JAVA_HOME/bin/java"
}

vltava_find_java
VLTAVA_JAVA_MAJOR=$(vltava_java_major "$JAVA")
export VLTAVA_JAVA_MAJOR

# Options that quiet the warnings JDK 24 and newer print for libraries that still use sun.misc.Unsafe
# or JNI. Older JDKs do not warn, and do not get them: the option that allows native access keeps the
# JVM from using its class data sharing archive, which bin/vltava relies on to start fast.
VLTAVA_JDK_OPTS=""
if [ "$VLTAVA_JAVA_MAJOR" -ge 24 ]; then
    VLTAVA_JDK_OPTS="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
fi
export VLTAVA_JDK_OPTS

vltava_require_maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        echo "Vltava builds with Apache Maven (3.8 or newer), which is not on the PATH. Install it (apt-get install maven)." >&2
        exit 1
    fi
    export MAVEN_OPTS="${MAVEN_OPTS:-} $VLTAVA_JDK_OPTS"
}
