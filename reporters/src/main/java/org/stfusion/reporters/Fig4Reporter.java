package org.stfusion.reporters;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.SVGLoader;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.report.RunResults;

/**
 * Writes the Fig. 4 chart alone, for slides and papers: {@code fig4.svg}, or {@code fig4.png} rendered from the
 * same SVG (by JSVG) at {@code scale} times its size.
 */
final class Fig4Reporter extends FilesReporter {
    static final String FIG4_PNG = "fig4.png";

    private static final Logger LOG = LogManager.getLogger(Fig4Reporter.class);

    private final boolean png;
    private final double scale;

    Fig4Reporter(Path runDir, boolean png, double scale) {
        super(runDir);
        this.png = png;
        this.scale = scale;
    }

    @Override
    void write(RunResults results) throws IOException {
        String svg = new HtmlReport(results, HtmlReporter.title(runDir), null, null).fig4Svg();
        Path out = runDir.resolve(png ? FIG4_PNG : HtmlReporter.FIG4_SVG);
        AtomicFile.write(out, png ? png(svg, scale) : svg.getBytes(StandardCharsets.UTF_8));
        LOG.info("wrote {}", out);
    }

    /** {@code svg} as a PNG on white, {@code scale} pixels per SVG unit. */
    static byte[] png(String svg, double scale) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // a command-line tool: never look for a display
        }
        SVGDocument document = new SVGLoader().load(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        if (document == null) {
            throw new IOException("the chart's SVG could not be parsed");
        }
        var size = document.size();
        BufferedImage image = new BufferedImage((int) Math.ceil(size.width * scale), (int) Math.ceil(size.height * scale),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(scale, scale);
            document.render((java.awt.Component) null, g, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }
}
