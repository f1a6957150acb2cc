package io.vltava.cli;

import picocli.CommandLine;

/** Reports the version the build stamped into the jar's manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {

    static String version() {
        String version = Vltava.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"vltava " + version() + " (Java " + Runtime.version() + ")"};
    }
}
