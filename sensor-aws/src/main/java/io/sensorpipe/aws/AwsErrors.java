package io.sensorpipe.aws;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * One line, with the fix, for the AWS failures a user meets at a command line (no region, no credentials, nothing
 * listening at the endpoint, a table/queue/bucket that does not exist), instead of an SDK stack trace. Shared by
 * every command-line tool (query, dashboard, alerts tail, archive verify, producer) so the advice is the same.
 */
public final class AwsErrors {
    /** How to get a cloud to talk to; appended to connection and configuration errors. */
    public static final String LOCAL_CLOUD_FIX = "start the local cloud with localstack/local-cloud.sh start "
            + "(scripts/pipeline leaves it running), or set AWS_ENDPOINT_URL/AWS_REGION for your cloud";

    /** An endpoint that accepts connections and never answers (a wrong port, a hung emulator, a proxy). */
    public static final String NO_ANSWER = "no answer (an endpoint that accepts connections but does not answer)";

    private static final String CREATE_FIX = "create the resources first (scripts/pipeline creates them), check "
            + "the name flags, or note that the local cloud keeps its data in memory only until it stops";

    private AwsErrors() {
    }

    /** A named table, queue, bucket or stream that is not there; {@link #oneLine} names it with the fix. */
    public static final class MissingResource extends RuntimeException {
        private final String kind;
        private final String name;

        public MissingResource(String kind, String name, Throwable cause) {
            super(kind + " " + name + " does not exist", cause);
            this.kind = kind;
            this.name = name;
        }
    }

    /** Whether {@code e} says the addressed resource does not exist (any service's spelling of "not found"). */
    public static boolean isNotFound(AwsServiceException e) {
        String c = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
        return c.equals("ResourceNotFoundException") || c.contains("NonExistentQueue") || c.equals("QueueDoesNotExist")
                || c.equals("NoSuchBucket") || c.equals("NotFound") || e.statusCode() == 404;
    }

    /** The one-line explanation of {@code failure}, or empty when it is not an AWS access problem. */
    public static Optional<String> oneLine(Throwable failure) {
        return oneLine(failure, System.getenv());
    }

    static Optional<String> oneLine(Throwable failure, Map<String, String> env) {
        String where = where(env);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MissingResource missing) {
                return Optional.of(missing.kind + " " + missing.name + " does not exist at " + where + ": "
                        + CREATE_FIX);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AwsServiceException service) {
                return Optional.of(service(service, where));
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return Optional.of(NO_ANSWER + " from " + where + " within the client's timeout: " + LOCAL_CLOUD_FIX);
            }
            if (t instanceof java.net.URISyntaxException uri) {
                // the SDK reads AWS_ENDPOINT_URL* when a client is built; "localhost:4566" (no scheme) is a common slip
                return Optional.of("an endpoint is not a URL (" + uri.getInput() + "): set AWS_ENDPOINT_URL and "
                        + "AWS_ENDPOINT_URL_<SERVICE> to http(s) URLs, e.g. http://127.0.0.1:4566, or unset them for AWS");
            }
            if (t instanceof ConnectException || t instanceof SocketTimeoutException) {
                return Optional.of("cannot connect to " + where + ": " + LOCAL_CLOUD_FIX);
            }
            if (t instanceof UnknownHostException) {
                return Optional.of("unknown host " + t.getMessage() + " (" + where + "): check AWS_ENDPOINT_URL*"
                        + " and AWS_REGION, or " + LOCAL_CLOUD_FIX);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SdkClientException client) {
                String m = String.valueOf(client.getMessage());
                if (m.contains("Unable to load region")) {
                    return Optional.of("no AWS region configured: " + LOCAL_CLOUD_FIX);
                }
                if (m.contains("Unable to load credentials")) {
                    return Optional.of("no AWS credentials found: " + LOCAL_CLOUD_FIX
                            + " (the local cloud takes any keys: export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test)");
                }
                if (m.contains("Unable to execute HTTP request")) {
                    return Optional.of("cannot reach " + where + " (" + firstLine(m) + "): " + LOCAL_CLOUD_FIX);
                }
            }
        }
        return Optional.empty();
    }

    private static String service(AwsServiceException e, String where) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? firstLine(String.valueOf(e.getMessage())) : firstLine(e.awsErrorDetails().errorMessage());
        String c = code == null ? "" : code;
        if (isNotFound(e)) {
            return message + " at " + where + ": " + CREATE_FIX;
        }
        if (c.equals("InvalidObjectState")) { // a 403, but no permission is missing
            return message + " at " + where + ": the object is in an archive storage class (Glacier Flexible "
                    + "Retrieval or Deep Archive); restore it first (aws s3api restore-object) or read a newer range";
        }
        if (c.equals("UnrecognizedClientException") || c.equals("InvalidClientTokenId") || c.equals("ExpiredToken")
                || c.equals("ExpiredTokenException") || c.equals("InvalidAccessKeyId") || e.statusCode() == 403) {
            return "access denied at " + where + " (" + (code == null ? e.statusCode() : code) + ": " + message
                    + "): check the credentials and permissions";
        }
        return (code == null ? "HTTP " + e.statusCode() : code) + " at " + where + ": " + message;
    }

    /** The endpoint the SDK was pointed at, for the message. */
    private static String where(Map<String, String> env) {
        String endpoint = env.get("AWS_ENDPOINT_URL");
        String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        if (endpoint != null && !endpoint.isBlank()) {
            return endpoint;
        }
        return "AWS" + (region == null ? "" : " " + region) + " (AWS_ENDPOINT_URL not set)";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
