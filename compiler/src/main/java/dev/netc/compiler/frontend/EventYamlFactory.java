package dev.netc.compiler.frontend;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.Reader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.Event;

/**
 * A YAMLFactory whose parsers expose the SnakeYAML event behind each token. Jackson's own accessors for
 * anchors and tags are deferred or skipped for the first key of a mapping; the event tells exactly what was
 * written (anchor, alias, tag, scalar style) for every token, which the reader needs to reject those
 * features where they occur.
 */
final class EventYamlFactory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    EventYamlFactory(YAMLFactoryBuilder builder) {
        super(builder);
    }

    @Override
    protected YAMLParser _createParser(Reader r, IOContext ctxt) {
        return new EventParser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
    }

    static final class EventParser extends YAMLParser {
        EventParser(IOContext ctxt, int parserFeatures, int yamlFeatures, LoaderOptions options, ObjectCodec codec,
                    Reader reader) {
            super(ctxt, parserFeatures, yamlFeatures, options, codec, reader);
        }

        /** The event the current token came from. */
        Event event() {
            return _lastEvent;
        }
    }
}
