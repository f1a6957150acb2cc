package io.vltava.cli;

import picocli.CommandLine.Command;

/** {@code vltava version}: prints the version. */
@Command(name = "version", description = "Print Vltava's version.")
final class VersionCommand implements Runnable {

    @Override
    public void run() {
        System.out.println(new VersionProvider().getVersion()[0]);
    }
}
