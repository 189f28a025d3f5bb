package io.github.udpkit.cli;

import java.io.PrintWriter;

/**
 * One scene of {@code udpkit demo}: a self-contained show on loopback that prints what happens and
 * says whether it went as it should. Later scenes (reliable delivery over a lossy link, chat) add to
 * the list in {@link DemoCommand}.
 */
interface DemoScene {

    /** A short title, printed above the scene. */
    String title();

    /**
     * Plays the scene.
     *
     * @param out where to print what happens
     * @return whether everything happened as it should
     */
    boolean play(PrintWriter out) throws Exception;
}
