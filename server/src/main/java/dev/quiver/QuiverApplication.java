package dev.quiver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Quiver: a multi-tenant vector database with Chroma's API. Every module of this process starts from here. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QuiverApplication {

    public static void main(String[] args) {
        SpringApplication.run(QuiverApplication.class, args);
    }
}
